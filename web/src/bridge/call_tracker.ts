// Turns the AMI event stream into canonical call events. Calls are grouped by Linkedid (the
// Uniqueid of the channel that started the call): its first DialBegin to a real phone classifies
// it and emits call_in / init; each time another extension takes the conversation (the first
// answer, a ring group's member, a transfer's target) an answer follows; the hangup of its anchor (the channel that started it, or the party
// a transfer left talking) or of all its channels ends it, and call_out follows after a short
// grace period in which Asterisk's Cdr events may still arrive (real Asterisk sends most Cdr
// events before the caller's Hangup: they never end a call). Talk time is the anchor's time in a
// bridge with someone else, summed over the legs of a transfer. After a reconnection, a
// CoreShowChannels snapshot closes the calls that ended while the bridge was away and adopts
// those that began meanwhile.
import type { AmiMessage } from "./ami_parser";
import { type ChannelRules, extensionOfChannel } from "./channels";
import { type Classification, classifyDial, classifySnapshot } from "./call_classify";
import { buildAnswer, buildEnd, buildStart, type CanonicalEvent } from "./call_outcome";
import { ensureChannel, eventTime, newCall, primaryChannel, type TrackedCall } from "./call_state";
import type { Logger } from "./log";

// -----------------------------------------------------------------------------
// Types
// -----------------------------------------------------------------------------

export interface TrackerOptions {
    rules: ChannelRules;
    cdrGraceMs: number;
    recordingPrefix: string;
    reportInternal: boolean;
    logger: Logger;
    /** Queues one canonical event durably; called synchronously, in order, with the call's
     * state already updated (a call_out's call is no longer open). */
    emit(event: CanonicalEvent): void;
    /** The set of open calls changed (to save it). */
    changed?(): void;
    now?: () => number;
}

/** How many recently ended calls and hung-up channels are remembered, to ignore late events. */
const MEMORY = 5000;

class RecentSet {
    private readonly items = new Set<string>();

    add(item: string): void {
        this.items.add(item);
        if (this.items.size > MEMORY) {
            this.items.delete(this.items.values().next().value as string);
        }
    }

    has(item: string): boolean {
        return this.items.has(item);
    }
}

/** `Local/102@from-queue-00000012;1` -> its other half `...;2`, or null for other channels. */
function localPartner(name: string): string | null {
    const match = /^(Local\/.+);([12])$/i.exec(name);
    return match ? `${match[1]};${match[2] === "1" ? "2" : "1"}` : null;
}

/** `00:01:05` (CoreShowChannel Duration) in seconds. */
function hms(text: string | undefined): number {
    const parts = (text ?? "").split(":").map(Number);
    return parts.length === 3 && parts.every(Number.isFinite) ? parts[0] * 3600 + parts[1] * 60 + parts[2] : 0;
}

// -----------------------------------------------------------------------------
// Tracker
// -----------------------------------------------------------------------------

export class CallTracker {
    private readonly calls = new Map<string, TrackedCall>();
    private readonly byUniqueid = new Map<string, string>();
    private readonly timers = new Map<string, NodeJS.Timeout>();
    private readonly finished = new RecentSet();
    private readonly hungUp = new RecentSet();
    /** Who is in which bridge, for every call (BridgeEnter / BridgeLeave): uniqueid -> name. */
    private readonly bridges = new Map<string, Map<string, string>>();
    private readonly bridgeOf = new Map<string, string>();
    private readonly now: () => number;
    /** Bridge clock minus Asterisk clock (event Timestamp headers), to compare the two. */
    private skew = 0;

    constructor(private readonly options: TrackerOptions) {
        this.now = options.now ?? Date.now;
    }

    get openCalls(): number {
        return this.calls.size;
    }

    /** The calls open now: those a CoreShowChannels requested now may close (see reconcile). */
    openLinkedids(): Set<string> {
        return new Set(this.calls.keys());
    }

    /** Open calls, as plain data (to save before a restart). */
    snapshot(): TrackedCall[] {
        return structuredClone([...this.calls.values()]);
    }

    /** Bridge clock minus Asterisk clock, as last seen (0 without Timestamp headers). */
    get clockSkew(): number {
        return this.skew;
    }

    /** Calls saved by a previous run; those that had already ended are finished now. */
    restore(calls: readonly TrackedCall[], clockSkew = 0): void {
        this.skew = clockSkew;
        for (const saved of structuredClone(calls)) {
            // Saved by a version without transfers: timed as before, on the first channel.
            const call: TrackedCall = { ...newCall(saved.linkedid, saved.startedAt), ...saved };
            this.calls.set(call.linkedid, call);
            for (const uniqueid of Object.keys(call.channels)) {
                this.byUniqueid.set(uniqueid, call.linkedid);
            }
            if (call.endedAt !== null) {
                this.scheduleEnd(call);
            }
        }
    }

    /** Stops the timers; open calls stay in snapshot(). */
    close(): void {
        for (const timer of this.timers.values()) {
            clearTimeout(timer);
        }
        this.timers.clear();
    }

    // ---- events --------------------------------------------------------------------

    handle(message: AmiMessage): void {
        const now = this.now();
        const at = eventTime(message, now);
        if (message.Timestamp) {
            this.skew = now - at;
        }
        switch (message.Event) {
            case "Newchannel":
                this.channelSeen(message, at);
                break;
            case "DialBegin":
                this.dialBegin(message, at);
                break;
            case "DialEnd":
                this.dialEnd(message, at);
                break;
            case "BridgeEnter":
            case "BridgeLeave":
                this.bridgeChange(message, at);
                break;
            case "BlindTransfer":
            case "AttendedTransfer":
                this.transfer(message, at);
                break;
            case "VarSet":
                if (message.Variable === "MIXMONITOR_FILENAME" && message.Value) {
                    const call = this.callOf(message, at);
                    if (call) {
                        call.recording = message.Value;
                        this.options.changed?.();
                    }
                }
                break;
            case "Hangup":
                this.hangup(message, at);
                break;
            case "Cdr":
                this.cdr(message);
                break;
            default:
                break;
        }
        this.reportTalkers();
    }

    /** The call of a channel event, created on first sight unless it already ended. */
    private callOf(message: AmiMessage, at: number, create = true): TrackedCall | null {
        const linkedid = message.Linkedid || message.DestLinkedid;
        if (!linkedid || this.finished.has(linkedid)) {
            return null;
        }
        let call = this.calls.get(linkedid);
        if (!call && create) {
            call = newCall(linkedid, at);
            this.calls.set(linkedid, call);
        }
        return call ?? null;
    }

    private track(call: TrackedCall, message: AmiMessage, prefix: "" | "Dest", at: number) {
        const channel = ensureChannel(call, message, prefix, this.options.rules, at);
        if (channel) {
            this.byUniqueid.set(channel.uniqueid, call.linkedid);
        }
        return channel;
    }

    private channelSeen(message: AmiMessage, at: number): void {
        const call = this.callOf(message, at);
        if (call) {
            this.track(call, message, "", at);
            this.options.changed?.();
        }
    }

    private dialBegin(message: AmiMessage, at: number): void {
        const call = this.callOf(message, at);
        if (!call) {
            return;
        }
        const source = this.track(call, message, "", at);
        const dest = this.track(call, message, "Dest", at);
        if (dest && call.direction === null) {
            const classification = classifyDial(call, source, dest, message, this.options.rules);
            if (classification) {
                this.classified(call, classification);
            }
        }
        this.options.changed?.();
    }

    private dialEnd(message: AmiMessage, at: number): void {
        const call = this.callOf(message, at, false);
        const dest = call ? this.track(call, message, "Dest", at) : null;
        if (!call || !dest || dest.uniqueid === call.linkedid) {
            return; // an Originate ringing the originating phone: not the callee's answer
        }
        const status = (message.DialStatus ?? "").trim().toUpperCase();
        if (status) {
            call.dialStatuses.push(status);
        }
        if (status === "ANSWER" && !dest.local) {
            call.answeredAt ??= at;
            if (dest.extension) {
                call.answeredBy = dest.extension; // the latest answer: a transfer's target
            }
        }
        this.options.changed?.();
    }

    private bridgeChange(message: AmiMessage, at: number): void {
        const { BridgeUniqueid: bridge, Uniqueid: uniqueid, Channel: name } = message;
        if (bridge && uniqueid && name) {
            const members = this.bridges.get(bridge) ?? new Map<string, string>();
            if (message.Event === "BridgeEnter") {
                members.set(uniqueid, name);
                this.bridgeOf.set(uniqueid, bridge);
                this.bridges.set(bridge, members);
            } else {
                members.delete(uniqueid);
                this.bridgeOf.delete(uniqueid);
                if (!members.size) {
                    this.bridges.delete(bridge);
                }
            }
        }
        const call = this.callOf(message, at, message.Event === "BridgeEnter");
        const channel = call ? this.track(call, message, "", at) : null;
        if (call && channel && !channel.local && message.Event === "BridgeEnter" && Number(message.BridgeNumChannels) >= 2) {
            call.answeredAt ??= at;
        }
        this.retimeAround(call, uniqueid, bridge, at);
        this.options.changed?.();
    }

    /** Retimes the calls a bridge change concerns: another call's channel may join (a transfer). */
    private retimeAround(call: TrackedCall | null, uniqueid: string | undefined, bridge: string | undefined, at: number): void {
        for (const each of this.calls.values()) {
            if (each === call || each.anchor === uniqueid || (bridge && this.bridgeOf.get(each.anchor) === bridge)) {
                this.retime(each, at);
            }
        }
    }

    /** Starts or stops the call's talk clock, and notes the extension its anchor talks to. */
    private retime(call: TrackedCall, at: number): void {
        const bridge = this.bridgeOf.get(call.anchor);
        const members = bridge ? this.bridges.get(bridge) : undefined;
        const talking = (members?.size ?? 0) >= 2;
        if (talking && call.talkSince === null) {
            call.talkSince = at;
        } else if (!talking && call.talkSince !== null) {
            call.talkMs += Math.max(0, at - call.talkSince);
            call.talkSince = null;
        }
        const peer = talking && members ? this.peerExtension(call.anchor, members) : null;
        if (peer) {
            call.answeredBy = peer;
        }
    }

    /** The extension in a bridge besides `self`, looking through Local/ pairs (queues). */
    private peerExtension(self: string, members: ReadonlyMap<string, string>, depth = 0): string | null {
        for (const [uniqueid, name] of members) {
            const extension = uniqueid === self ? null : extensionOfChannel(name, this.options.rules);
            if (extension) {
                return extension;
            }
        }
        for (const [uniqueid, name] of members) {
            const partner = uniqueid !== self && depth < 3 ? localPartner(name) : null;
            const found = partner ? this.bridgeWith(partner) : undefined;
            const extension = found ? this.peerExtension(found[0], found[1], depth + 1) : null;
            if (extension) {
                return extension;
            }
        }
        return null;
    }

    /** The channel named `name` and the members of its bridge, if it is in one. */
    private bridgeWith(name: string): [string, Map<string, string>] | undefined {
        for (const members of this.bridges.values()) {
            for (const [uniqueid, each] of members) {
                if (each === name) {
                    return [uniqueid, members];
                }
            }
        }
        return undefined;
    }

    /**
     * BlindTransfer / AttendedTransfer: when the transferer was the call's anchor (an agent
     * transferring an outbound call), the party transferred takes over; an attended transfer
     * names its target now (a blind one's target answers a DialEnd of the call later).
     */
    private transfer(message: AmiMessage, at: number): void {
        if (message.Result && message.Result !== "Success") {
            return;
        }
        const attended = message.Event === "AttendedTransfer";
        const linkedid = message.TransfereeLinkedid || (attended ? message.OrigTransfererLinkedid : message.TransfererLinkedid);
        const call = linkedid && !this.finished.has(linkedid) ? this.calls.get(linkedid) : undefined;
        const transferer = attended ? message.OrigTransfererUniqueid : message.TransfererUniqueid;
        if (!call) {
            return;
        }
        if (transferer && call.anchor === transferer && message.TransfereeUniqueid) {
            this.retime(call, at);
            call.anchor = message.TransfereeUniqueid;
            this.retime(call, at);
        }
        const target = attended ? extensionOfChannel(message.TransferTargetChannel ?? "", this.options.rules) : null;
        if (target) {
            call.answeredBy = target;
        }
        const by = message[attended ? "OrigTransfererChannel" : "TransfererChannel"] ?? "?";
        this.options.logger.info(`call ${call.linkedid}: ${attended ? "attended" : "blind"} transfer by ${by}`);
        this.options.changed?.();
    }

    private hangup(message: AmiMessage, at: number): void {
        const call = this.callOf(message, at, false);
        const channel = call ? this.track(call, message, "", at) : null;
        if (!call || !channel) {
            return;
        }
        channel.hungUp = true;
        this.hungUp.add(channel.uniqueid);
        const bridge = this.bridgeOf.get(channel.uniqueid);
        if (bridge) {
            this.forget(channel.uniqueid); // its BridgeLeave was missed
            this.retimeAround(call, channel.uniqueid, bridge, at);
        }
        const anchor = channel.uniqueid === call.anchor;
        if (anchor) {
            call.hangupCause = Number(message.Cause) || null;
        }
        if (call.endedAt === null && (anchor || Object.values(call.channels).every((each) => each.hungUp))) {
            call.endedAt = at;
            this.stopTalk(call, at);
            this.scheduleEnd(call);
        }
        this.options.changed?.();
    }

    private cdr(message: AmiMessage): void {
        const uniqueid = message.UniqueID ?? "";
        const linkedid = message.LinkedID || message.Linkedid || this.byUniqueid.get(uniqueid);
        const call = linkedid ? this.calls.get(linkedid) : undefined;
        if (!call) {
            this.options.logger.debug(`Cdr of ${uniqueid || "?"} matches no open call: ignored`);
            return;
        }
        call.cdrs.push({
            uniqueid,
            startTime: message.StartTime ?? "",
            answerTime: message.AnswerTime ?? "",
            endTime: message.EndTime ?? "",
            duration: Number(message.Duration) || 0,
            billableSeconds: Number(message.BillableSeconds) || 0,
            disposition: message.Disposition ?? "",
            destinationChannel: message.DestinationChannel ?? "",
        });
        if (call.endedAt !== null) {
            this.scheduleEnd(call); // more Cdr events may follow: wait again
        }
        this.options.changed?.();
    }

    // ---- canonical events ------------------------------------------------------------

    private classified(call: TrackedCall, classification: Classification): void {
        call.direction = classification.direction;
        call.phone = classification.phone;
        call.extension = classification.extension;
        if (call.direction === "internal" && !this.options.reportInternal) {
            return;
        }
        const built = buildStart(call);
        if (!built.ok) {
            call.skipped = built.reason;
            this.options.logger.warn(`call ${call.linkedid} (${call.direction}) not reported: ${built.reason}`);
            return;
        }
        this.options.logger.info(`call ${call.linkedid}: ${built.event.route} ${call.phone} ext ${call.extension}`);
        call.announced = true; // before emit: the state saved with the event must say so
        this.options.emit(built.event);
    }

    /** Queues an answer for each open call now talked on by an extension Odoo was not told of. */
    private reportTalkers(): void {
        for (const call of this.calls.values()) {
            const talker = call.answeredBy ?? (call.answeredAt !== null ? call.extension : null);
            if (!talker || talker === call.reportedTalker || !call.announced || call.skipped || call.endedAt !== null) {
                continue;
            }
            const built = buildAnswer(call, talker);
            if (!built.ok) {
                this.options.logger.warn(`call ${call.linkedid}: no answer for ${talker}: ${built.reason}`);
                call.reportedTalker = talker;
                continue;
            }
            this.options.logger.info(`call ${call.linkedid}: answer ext ${talker}`);
            call.reportedTalker = talker; // before emit: the state saved with the event must say so
            this.options.emit(built.event);
        }
    }

    private stopTalk(call: TrackedCall, at: number): void {
        if (call.talkSince !== null) {
            call.talkMs += Math.max(0, at - call.talkSince);
            call.talkSince = null;
        }
    }

    /** A hung-up channel leaves its bridge (its BridgeLeave may have been missed). */
    private forget(uniqueid: string): void {
        const bridge = this.bridgeOf.get(uniqueid);
        const members = bridge ? this.bridges.get(bridge) : undefined;
        this.bridgeOf.delete(uniqueid);
        members?.delete(uniqueid);
        if (bridge && members && !members.size) {
            this.bridges.delete(bridge);
        }
    }

    private scheduleEnd(call: TrackedCall): void {
        clearTimeout(this.timers.get(call.linkedid));
        const timer = setTimeout(() => this.end(call), this.options.cdrGraceMs);
        this.timers.set(call.linkedid, timer);
    }

    private end(call: TrackedCall): void {
        clearTimeout(this.timers.get(call.linkedid));
        this.timers.delete(call.linkedid);
        this.calls.delete(call.linkedid);
        this.stopTalk(call, call.endedAt ?? this.now() - this.skew);
        for (const [uniqueid, channel] of Object.entries(call.channels)) {
            this.byUniqueid.delete(uniqueid);
            if (channel.hungUp) {
                this.forget(uniqueid); // not a transfer's target, talking in another call now
            }
        }
        this.finished.add(call.linkedid);
        const reported = call.announced && !call.skipped;
        if (reported) {
            const built = buildEnd(call, { now: this.now(), recordingPrefix: this.options.recordingPrefix });
            if (built.ok) {
                built.warnings.forEach((warning) => this.options.logger.warn(`call ${call.linkedid}: ${warning}`));
                this.options.logger.info(
                    `call ${call.linkedid}: call_out ${built.event.payload.status} ${built.event.payload.duration}s` +
                        (call.endedUnseen ? " (ended while disconnected: times estimated)" : "")
                );
                this.options.emit(built.event);
            } else {
                this.options.logger.error(`call ${call.linkedid}: no call_out: ${built.reason}`);
            }
        }
        this.options.changed?.();
    }

    // ---- reconnection --------------------------------------------------------------------

    /**
     * Aligns the open calls with Asterisk's CoreShowChannel list after a (re)connection.
     * `lastAliveAt` is when the bridge last knew them alive (disconnection or last save), on
     * the bridge's clock (converted to Asterisk's with the skew seen in event timestamps);
     * `known` the calls open when the list was requested: a call whose first events came
     * while the list was on its way is not in it, yet alive.
     */
    reconcile(items: readonly AmiMessage[], lastAliveAt: number, known: ReadonlySet<string>): void {
        const now = this.now() - this.skew;
        const aliveAt = lastAliveAt - this.skew;
        const groups = new Map<string, AmiMessage[]>();
        for (const item of items) {
            if (item.Linkedid && item.Uniqueid && !this.hungUp.has(item.Uniqueid) && !this.finished.has(item.Linkedid)) {
                groups.set(item.Linkedid, [...(groups.get(item.Linkedid) ?? []), item]);
            }
        }
        let ended = 0;
        let adopted = 0;
        for (const call of [...this.calls.values()]) {
            if (known.has(call.linkedid) && !groups.has(call.linkedid) && call.endedAt === null) {
                call.endedUnseen = true;
                call.endedAt = Math.max(call.startedAt, aliveAt);
                Object.values(call.channels).forEach((channel) => (channel.hungUp = true));
                ended++;
                this.end(call);
            }
        }
        for (const [linkedid, group] of groups) {
            let call = this.calls.get(linkedid);
            if (!call) {
                call = newCall(linkedid, now - Math.max(...group.map((item) => hms(item.Duration))) * 1000);
                this.calls.set(linkedid, call);
                adopted++;
            }
            const live = new Set(group.map((item) => item.Uniqueid));
            for (const channel of Object.values(call.channels)) {
                channel.hungUp ||= !live.has(channel.uniqueid);
            }
            for (const item of group) {
                this.track(call, item, "", now - hms(item.Duration) * 1000);
            }
            this.adopt(call, group);
        }
        this.reportTalkers();
        if (ended || adopted) {
            this.options.logger.info(
                `after (re)connection: ${ended} call(s) ended while disconnected, ${adopted} running call(s) found, ${this.calls.size} open`
            );
        }
        this.options.changed?.();
    }

    /** Classification and answer state of a call from its live channels. */
    private adopt(call: TrackedCall, group: readonly AmiMessage[]): void {
        if (call.direction === null && !call.skipped) {
            const classification = classifySnapshot(call, this.options.rules);
            if (classification) {
                this.classified(call, classification);
            }
        }
        const bridged = group.filter((item) => item.BridgeId && !/^Local\//i.test(item.Channel ?? ""));
        if (call.answeredAt === null && bridged.length >= 2) {
            const answerer = bridged.map((item) => call.channels[item.Uniqueid]).find((channel) => channel && channel !== primaryChannel(call));
            call.answeredAt = answerer?.createdAt ?? this.now() - this.skew;
            if (call.direction !== "out" && answerer?.extension) {
                call.answeredBy ??= answerer.extension;
            }
        }
        // Who is in which bridge now; a conversation found going on is timed from its answer.
        const at = call.talkMs || call.talkSince !== null ? this.now() - this.skew : (call.answeredAt ?? this.now() - this.skew);
        for (const item of group.filter((each) => each.BridgeId && each.Channel)) {
            const enter = { Event: "BridgeEnter", BridgeUniqueid: item.BridgeId, Uniqueid: item.Uniqueid, Channel: item.Channel };
            this.bridgeChange({ ...enter, Linkedid: call.linkedid }, at);
        }
    }
}
