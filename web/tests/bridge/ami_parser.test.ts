import { describe, expect, test } from "vitest";
import { AmiParser, MAX_LINE_BYTES, serializeAction } from "../../src/bridge/ami_parser";

const messages = (parser: AmiParser, ...chunks: string[]) =>
    chunks.flatMap((chunk) => parser.push(chunk)).flatMap((frame) => (frame.kind === "message" ? [{ ...frame.message }] : []));

describe("AMI parser", () => {
    test("reads the banner line, then messages ended by an empty line", () => {
        const parser = new AmiParser();
        const frames = parser.push("Asterisk Call Manager/7.0.3\r\nResponse: Success\r\nMessage: Authentication accepted\r\n\r\n");
        expect(frames).toEqual([
            { kind: "banner", text: "Asterisk Call Manager/7.0.3" },
            { kind: "message", message: { Response: "Success", Message: "Authentication accepted" } },
        ]);
    });

    test("accepts LF-only lines and keeps empty values, colons in values and trailing-space trimming", () => {
        const parser = new AmiParser({ expectBanner: false });
        expect(messages(parser, "Event: Cdr\nAccountCode: \nLastData: PJSIP/101,20,tT:x  \nStartTime: 2024-11-20 17:55:02\n\n")).toEqual([
            { Event: "Cdr", AccountCode: "", LastData: "PJSIP/101,20,tT:x", StartTime: "2024-11-20 17:55:02" },
        ]);
    });

    test("a message split at every byte, including between CR and LF, is reassembled", () => {
        const text = "Event: Hangup\r\nCause: 16\r\nCause-txt: Normal Clearing\r\n\r\nEvent: Cdr\r\nDisposition: NO ANSWER\r\n\r\n";
        const parser = new AmiParser({ expectBanner: false });
        expect(messages(parser, ...text.split(""))).toEqual([
            { Event: "Hangup", Cause: "16", "Cause-txt": "Normal Clearing" },
            { Event: "Cdr", Disposition: "NO ANSWER" },
        ]);
    });

    test("ignores garbage lines and extra blank lines, counting them", () => {
        const parser = new AmiParser({ expectBanner: false });
        const found = messages(parser, "\r\n\r\nnot a field\r\nEvent: Newchannel\r\n: no key\r\nbad key: x\r\nChannel: PJSIP/101-1\r\n\r\n\r\n");
        expect(found).toEqual([{ Event: "Newchannel", Channel: "PJSIP/101-1" }]);
        expect(parser.ignoredLines).toBe(3);
    });

    test("the first of a repeated key wins and __proto__ is an ordinary field", () => {
        const parser = new AmiParser({ expectBanner: false });
        const [message] = messages(parser, "Event: VarSet\r\nEvent: Spoofed\r\n__proto__: polluted\r\n\r\n");
        expect(message.Event).toBe("VarSet");
        expect(message.__proto__).toBe("polluted");
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    test("an endless line is dropped instead of filling memory", () => {
        const parser = new AmiParser({ expectBanner: false });
        parser.push(`Event: X${"a".repeat(MAX_LINE_BYTES + 10)}`);
        parser.push("b".repeat(1000));
        expect(messages(parser, "\r\nEvent: Ok\r\n\r\n")).toEqual([{ Event: "Ok" }]);
        expect(parser.ignoredLines).toBe(1);
    });

    test("decodes UTF-8 caller names", () => {
        const parser = new AmiParser({ expectBanner: false });
        const bytes = Buffer.from("CallerIDName: Nguyễn Văn Ánh\r\nEvent: Newchannel\r\n\r\n");
        expect(messages(parser, bytes.toString("utf8"))).toEqual([{ CallerIDName: "Nguyễn Văn Ánh", Event: "Newchannel" }]);
    });
});

describe("AMI action serialization", () => {
    test("writes CRLF lines and a closing empty line", () => {
        expect(serializeAction({ Action: "Originate", Priority: 1, Async: true })).toBe("Action: Originate\r\nPriority: 1\r\nAsync: true\r\n\r\n");
    });

    test.each(["0989\r\nAction: Command", "x\nCommand: core stop now", "x\r"])("refuses a value with a line break: %j", (value) => {
        expect(() => serializeAction({ Action: "Originate", Exten: value })).toThrow(/line breaks/);
    });

    test("refuses a key that is not a header name", () => {
        expect(() => serializeAction({ "Exten: 1\r\nAction": "x" })).toThrow();
    });
});
