// Which way a call goes, decided once per call: at the first DialBegin that rings a real phone,
// or from a CoreShowChannels snapshot for a call that began while the bridge was away.
//   inbound   an outside number rings an extension          -> call_in
//   outbound  an extension dials an outside number          -> init
//   internal  an extension rings another extension          -> call_in (when reported)
import type { AmiMessage } from "./ami_parser";
import { type ChannelRules, numberFromDialString, phoneNumber } from "./channels";
import { callingExtension, type Direction, primaryChannel, type TrackedCall, type TrackedChannel } from "./call_state";

// -----------------------------------------------------------------------------
// Types
// -----------------------------------------------------------------------------

export interface Classification {
    direction: Direction;
    /** The external number, or the calling extension for internal calls; null when unusable. */
    phone: string | null;
    extension: string;
}

// -----------------------------------------------------------------------------
// DialBegin
// -----------------------------------------------------------------------------

/**
 * The classification a DialBegin gives a call not yet classified, or null when this dial says
 * nothing: a Local/ helper being dialled (its ;2 half dials the phone next), an Originate
 * ringing the originating phone itself (its DestUniqueid is the Linkedid), a trunk-to-trunk leg.
 */
export function classifyDial(
    call: TrackedCall,
    source: TrackedChannel | null,
    dest: TrackedChannel,
    message: AmiMessage,
    rules: ChannelRules
): Classification | null {
    if (dest.local || dest.uniqueid === call.linkedid) {
        return null;
    }
    const origin = primaryChannel(call) ?? (source && !source.local ? source : null);
    const caller = callingExtension(origin, rules);
    if (dest.extension) {
        if (caller) {
            return { direction: "internal", phone: caller, extension: dest.extension };
        }
        const number = origin?.callerIdNum ?? source?.callerIdNum ?? message.CallerIDNum;
        return { direction: "in", phone: phoneNumber(number), extension: dest.extension };
    }
    if (caller) {
        const number =
            numberFromDialString(message.DialString) ??
            phoneNumber(origin?.exten) ??
            phoneNumber(dest.callerIdNum);
        return { direction: "out", phone: number, extension: caller };
    }
    return null;
}

// -----------------------------------------------------------------------------
// Snapshot
// -----------------------------------------------------------------------------

/** The classification of a call seen only in CoreShowChannels (bridge started mid-call). */
export function classifySnapshot(call: TrackedCall, rules: ChannelRules): Classification | null {
    const primary = primaryChannel(call);
    const others = Object.values(call.channels).filter((channel) => !channel.local && channel !== primary);
    const caller = callingExtension(primary, rules);
    const phones = others.filter((channel) => channel.extension);
    const trunks = others.filter((channel) => !channel.extension);
    if (primary && caller && trunks.length) {
        const number = phoneNumber(primary.connectedLineNum) ?? phoneNumber(primary.exten) ?? phoneNumber(trunks[0].callerIdNum);
        return { direction: "out", phone: number, extension: caller };
    }
    if (primary && phones.length) {
        const extension = phones[0].extension as string;
        if (caller) {
            return { direction: "internal", phone: caller, extension };
        }
        return { direction: "in", phone: phoneNumber(primary.callerIdNum), extension };
    }
    return null;
}
