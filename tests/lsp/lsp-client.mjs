// End-to-end test of `stackc lsp`: a language client that talks to the real
// server over stdin/stdout with vscode-jsonrpc (pinned in package.json,
// installed outside the repo by install.sh) and checks its replies.
//
//   NODE_PATH=CACHE/node_modules node lsp-client.mjs STACKC_BINARY
//
// Runs the cases below in order, printing `ok NAME` or `FAIL NAME: reason`
// for each, then `N passed, N failed`. Exit status: 0 when every case passed,
// 1 when one failed or the whole run took too long, 2 on usage errors.
//
// Most cases share one server session, started by the `initialize` case and
// ended by the last one; a case that needs a server of its own starts it.
// To add a case, add { name, run } to `cases`: `run` is an async function
// that throws (use `check` and friends) to fail.
import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { isDeepStrictEqual, promisify } from "node:util";

const binary = process.argv[2];
if (!binary || process.argv.length !== 3) {
    console.error("usage: NODE_PATH=CACHE/node_modules node lsp-client.mjs STACKC_BINARY");
    process.exit(2);
}

// ES module imports ignore NODE_PATH, and vscode-jsonrpc has no `exports`
// map for `vscode-jsonrpc/node`, so load it the CommonJS way.
const require = createRequire(import.meta.url);
let rpc;
try {
    rpc = require("vscode-jsonrpc/node");
} catch (error) {
    console.error(`lsp-client: cannot load vscode-jsonrpc (${error.message}); ` +
        "set NODE_PATH to the node_modules folder of tests/lsp/install.sh");
    process.exit(2);
}

// vscode-jsonrpc leaves the promise of a write to a server that has died
// unhandled; the cases report that server's exit instead.
process.on("unhandledRejection", (reason) => {
    if (["EPIPE", "ERR_STREAM_DESTROYED"].includes(reason?.code)) return;
    throw reason;
});

const OVERALL_TIMEOUT_MS = 20_000;
// How long one request, notification or awaited server message may take.
const STEP_TIMEOUT_MS = 5_000;

const { ErrorCodes } = rpc;
// Errors that vscode-jsonrpc makes itself when it cannot reach the server.
const connectionErrors = new Set([ErrorCodes.MessageWriteError, ErrorCodes.MessageReadError,
    ErrorCodes.PendingResponseRejected, ErrorCodes.ConnectionInactive]);
const DiagnosticSeverity = { Error: 1 };
const TextDocumentSyncKind = { Full: 1 };

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "stackc-lsp-test-"));
const uriOf = (name) => pathToFileURL(path.join(tmp, name)).href;

// ---------------------------------------------------------------- helpers

function check(condition, message) {
    if (!condition) throw new Error(message);
}

function checkEqual(actual, expected, what) {
    if (!isDeepStrictEqual(actual, expected)) {
        throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
    }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Resolves or rejects like `promise`, but rejects after `ms` milliseconds.
function withTimeout(promise, ms, what) {
    let timer;
    const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer to ${what} within ${ms / 1000} s`)), ms);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// Expects `promise` to be rejected with a JSON-RPC error of the given code.
async function checkResponseError(promise, code, what) {
    let result;
    try {
        result = await promise;
    } catch (error) {
        if (!(error instanceof rpc.ResponseError)) throw error;
        checkEqual(error.code, code, `error code of ${what} (message: ${JSON.stringify(error.message)})`);
        return;
    }
    throw new Error(`${what}: expected an error with code ${code}, got the result ${JSON.stringify(result)}`);
}

// `STACKC_BINARY fmt --stdout` on `text`: what formatting must produce.
async function formatWithCli(text) {
    const file = path.join(tmp, "cli-fmt.stack");
    fs.writeFileSync(file, text);
    const { stdout } = await promisify(execFile)(binary, ["fmt", "--stdout", file],
        { timeout: STEP_TIMEOUT_MS, encoding: "utf8" });
    return stdout;
}

// The position just past the last character of `text`, in UTF-16 units.
function endOf(text) {
    const lines = text.split("\n");
    return { line: lines.length - 1, character: lines[lines.length - 1].length };
}

const before = (a, b) => a.line < b.line || (a.line === b.line && a.character < b.character);

// --------------------------------------------------------------- a server

const servers = []; // every server started, for their stderr

class Server {
    constructor() {
        this.child = spawn(binary, ["lsp"], { stdio: ["pipe", "pipe", "pipe"] });
        servers.push(this);
        this.stderr = "";
        this.child.stderr.setEncoding("utf8");
        this.child.stderr.on("data", (chunk) => { this.stderr += chunk; });
        // Writes to a server that died fail with EPIPE; the exit is what
        // the cases report.
        this.child.stdin.on("error", () => {});
        this.exitStatus = null;
        this.exited = new Promise((resolve) => {
            this.child.on("exit", (code, signal) => resolve(this.exitStatus = { code, signal }));
            this.child.on("error", (error) => resolve(this.exitStatus = { error }));
        });

        this.connection = rpc.createMessageConnection(
            new rpc.StreamMessageReader(this.child.stdout),
            new rpc.StreamMessageWriter(this.child.stdin));
        // Every publishDiagnostics notification received, in order.
        this.published = [];
        this.connection.onNotification("textDocument/publishDiagnostics",
            (params) => this.published.push(params));
        this.connection.listen();
    }

    describeExit() {
        const { code, signal, error } = this.exitStatus;
        if (error) return `the server could not start: ${error.message}`;
        return signal ? `the server was killed by ${signal}` : `the server exited with code ${code}`;
    }

    // `promise`, failed early when the server exits or takes too long.
    guard(promise, what) {
        const exit = this.exited.then(() => { throw new Error(`${what}: ${this.describeExit()}`); });
        return withTimeout(Promise.race([promise, exit]), STEP_TIMEOUT_MS, what);
    }

    // Runs `send`; when it fails because the server is gone, says how the
    // server ended rather than how the write failed.
    send(what, send) {
        return this.guard((async () => {
            try {
                return await send();
            } catch (error) {
                if (error instanceof rpc.ResponseError && !connectionErrors.has(error.code)) throw error;
                await withTimeout(this.exited, 1000, "exit").catch(() => {});
                throw this.exitStatus ? new Error(`${what}: ${this.describeExit()}`) : error;
            }
        })(), what);
    }

    request(method, params) {
        return this.send(method, () => this.connection.sendRequest(method, params));
    }

    notify(method, params) {
        return this.send(method, () => this.connection.sendNotification(method, params));
    }

    // Sends a notification, then waits for the first publishDiagnostics
    // for `uri` that arrives after it.
    async diagnosticsAfter(method, params, uri) {
        const seen = this.published.length;
        await this.notify(method, params);
        let waiting = true;
        const find = async () => {
            while (waiting) {
                const found = this.published.slice(seen).find((p) => p.uri === uri);
                if (found) return found;
                await sleep(10);
            }
        };
        try {
            return await this.guard(find(), `publishDiagnostics for ${uri} after ${method}`);
        } finally {
            waiting = false;
        }
    }

    kill() {
        if (this.exitStatus === null) this.child.kill("SIGKILL");
        this.connection.dispose();
    }
}

// ------------------------------------------------------------------ cases

// The documents of the cases. `shop` has one error: the property `replics`.
const shop = `stack shop
app web {
  image = "shop/web:1.0"
  replics = 2
}
`;
// The same error after multi-byte text on its line: `ü`, `ï` and `é` are one
// UTF-16 unit and two UTF-8 bytes each, `𝄞` is two UTF-16 units, one code
// point and four bytes, so each way of counting columns gives another answer.
const unicode = `stack shop
app web {
  image = "shop/web:1.0"
  env = { NOTE = "ünï 𝄞 wéb" } replics = 2
}
`;
const unformatted = `stack shop
app web {
image="shop/web:1.0"
  replicas=2}
`;
const syntaxError = `stack shop
app web {
  image =
`;

// For definition and hover: a stack that imports a module from disk (written
// by the case) and refers to its database, to a param and to a component.
const navigation = `stack shop
import "modules/db"
param tag = "1.0"
app web {
  image = "shop/web:\${tag}"
  env = { CACHE_URL = cache.url }
}
task migrate {
  from = web
  before = [web]
  command = ["rake", "db:migrate"]
}
`;
const dbModule = `import "std/redis"
database cache : redis {}
`;

// The LSP position of the `occurrence`-th (from 0) `needle` in `text`, plus
// `offset` characters.
function positionOf(text, needle, occurrence = 0, offset = 0) {
    let at = -1;
    for (let i = 0; i <= occurrence; ++i) {
        at = text.indexOf(needle, at + 1);
        check(at >= 0, `'${needle}' #${occurrence} is not in the document`);
    }
    const before = text.slice(0, at).split("\n");
    return { line: before.length - 1, character: before[before.length - 1].length + offset };
}

function rangeOf(text, needle, occurrence = 0) {
    const start = positionOf(text, needle, occurrence);
    return { start, end: { line: start.line, character: start.character + needle.length } };
}

let session; // the server shared by the cases from `initialize` on

function openParams(uri, text, version = 1) {
    return { textDocument: { uri, languageId: "stack", version, text } };
}

function formattingParams(uri) {
    return { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } };
}

// Checks the one diagnostic for `replics` on line `lineNumber` of `text`.
function checkReplicsDiagnostic(params, text, lineNumber) {
    check(Array.isArray(params.diagnostics), `diagnostics is not an array: ${JSON.stringify(params)}`);
    checkEqual(params.diagnostics.length, 1, `number of diagnostics in ${JSON.stringify(params.diagnostics)}`);
    const [diagnostic] = params.diagnostics;
    // JavaScript strings are UTF-16, as LSP positions are by default.
    const character = text.split("\n")[lineNumber].indexOf("replics");
    checkEqual(diagnostic.range, {
        start: { line: lineNumber, character },
        end: { line: lineNumber, character: character + "replics".length },
    }, "range");
    checkEqual(diagnostic.severity, DiagnosticSeverity.Error, "severity");
    checkEqual(diagnostic.code, "E0203", "code");
    checkEqual(diagnostic.source, "stackc", "source");
    check(typeof diagnostic.message === "string" && diagnostic.message.includes("replics"),
        `message does not name 'replics': ${JSON.stringify(diagnostic.message)}`);
}

const cases = [
    {
        name: "a request before initialize is rejected",
        async run() {
            // A server of its own: the shared one must see initialize first.
            const server = new Server();
            try {
                await checkResponseError(server.request("textDocument/formatting", formattingParams(uriOf("early.stack"))),
                    ErrorCodes.ServerNotInitialized, "textDocument/formatting before initialize");
            } finally {
                // How an uninitialized server ends is not part of the contract.
                server.kill();
            }
        },
    },
    {
        name: "initialize",
        async run() {
            session = new Server();
            const result = await session.request("initialize", { processId: null, rootUri: null, capabilities: {} });
            const capabilities = result?.capabilities ?? {};
            checkEqual(capabilities.positionEncoding, "utf-16", "capabilities.positionEncoding");
            checkEqual(capabilities.textDocumentSync?.openClose, true, "capabilities.textDocumentSync.openClose");
            checkEqual(capabilities.textDocumentSync?.change, TextDocumentSyncKind.Full, "capabilities.textDocumentSync.change");
            checkEqual(capabilities.documentFormattingProvider, true, "capabilities.documentFormattingProvider");
            checkEqual(capabilities.definitionProvider, true, "capabilities.definitionProvider");
            checkEqual(capabilities.hoverProvider, true, "capabilities.hoverProvider");
            checkEqual(result?.serverInfo?.name, "stackc", "serverInfo.name");
            checkEqual(typeof result?.serverInfo?.version, "string", "type of serverInfo.version");
            await session.notify("initialized", {});
        },
    },
    {
        name: "didOpen publishes the document's diagnostics",
        async run() {
            const uri = uriOf("shop.stack");
            const params = await session.diagnosticsAfter("textDocument/didOpen", openParams(uri, shop), uri);
            checkReplicsDiagnostic(params, shop, 3);
        },
    },
    {
        name: "didChange with the error fixed publishes no diagnostics",
        async run() {
            const uri = uriOf("shop.stack");
            const fixed = shop.replace("replics", "replicas");
            const params = await session.diagnosticsAfter("textDocument/didChange", {
                textDocument: { uri, version: 2 },
                contentChanges: [{ text: fixed }],
            }, uri);
            checkEqual(params.diagnostics, [], "diagnostics");
            checkEqual(params.version, 2, "version");
        },
    },
    {
        name: "diagnostic positions count UTF-16 code units",
        async run() {
            const uri = uriOf("unicode.stack");
            const params = await session.diagnosticsAfter("textDocument/didOpen", openParams(uri, unicode), uri);
            checkReplicsDiagnostic(params, unicode, 3);
        },
    },
    {
        name: "formatting returns the text of stackc fmt",
        async run() {
            const uri = uriOf("unformatted.stack");
            await session.notify("textDocument/didOpen", openParams(uri, unformatted));
            const expected = await formatWithCli(unformatted);
            check(expected !== unformatted, "stackc fmt --stdout left the unformatted text as it was");
            const edits = await session.request("textDocument/formatting", formattingParams(uri));
            check(Array.isArray(edits) && edits.length === 1, `expected one TextEdit, got ${JSON.stringify(edits)}`);
            const [{ range, newText }] = edits;
            checkEqual(newText, expected, "newText");
            checkEqual(range?.start, { line: 0, character: 0 }, "range.start");
            check(range?.end && !before(range.end, endOf(unformatted)),
                `range.end ${JSON.stringify(range?.end)} is before the end of the document ${JSON.stringify(endOf(unformatted))}`);
        },
    },
    {
        name: "formatting a formatted document returns no edits",
        async run() {
            const uri = uriOf("formatted.stack");
            const formatted = await formatWithCli(unformatted);
            await session.notify("textDocument/didOpen", openParams(uri, formatted));
            checkEqual(await session.request("textDocument/formatting", formattingParams(uri)), [], "result");
        },
    },
    {
        name: "formatting a document with a syntax error returns null",
        async run() {
            const uri = uriOf("syntax-error.stack");
            await session.notify("textDocument/didOpen", openParams(uri, syntaxError));
            checkEqual(await session.request("textDocument/formatting", formattingParams(uri)), null, "result");
        },
    },
    {
        name: "didClose clears the document's diagnostics",
        async run() {
            const uri = uriOf("unicode.stack");
            const params = await session.diagnosticsAfter("textDocument/didClose", { textDocument: { uri } }, uri);
            checkEqual(params.diagnostics, [], "diagnostics");
        },
    },
    {
        name: "an unknown request is MethodNotFound",
        async run() {
            await checkResponseError(session.request("stackc/nonsense", {}),
                ErrorCodes.MethodNotFound, "stackc/nonsense");
        },
    },
    {
        name: "an unknown notification is ignored",
        async run() {
            const uri = uriOf("after-notification.stack");
            const formatted = await formatWithCli(unformatted);
            await session.notify("stackc/nonsense", { x: 1 });
            // The connection still works: messages after it get their answers.
            await session.notify("textDocument/didOpen", openParams(uri, formatted));
            checkEqual(await session.request("textDocument/formatting", formattingParams(uri)), [],
                "formatting after the notification");
        },
    },

    {
        name: "definition of a component, a param and an imported database",
        async run() {
            fs.mkdirSync(path.join(tmp, "modules"), { recursive: true });
            fs.writeFileSync(path.join(tmp, "modules", "db.stack"), dbModule);
            const uri = uriOf("navigation.stack");
            const params = await session.diagnosticsAfter("textDocument/didOpen", openParams(uri, navigation), uri);
            checkEqual(params.diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error), [], "errors");
            const definition = (position) => session.request("textDocument/definition",
                { textDocument: { uri }, position });
            // `from = web`, on the middle of the name.
            checkEqual(await definition(positionOf(navigation, "web", 2, 1)),
                { uri, range: rangeOf(navigation, "web", 0) }, "definition of web");
            // `${tag}` inside a string.
            checkEqual(await definition(positionOf(navigation, "tag", 1, 1)),
                { uri, range: rangeOf(navigation, "tag", 0) }, "definition of tag");
            // `cache.url`: the database declared in modules/db.stack.
            checkEqual(await definition(positionOf(navigation, "cache.url", 0, 2)),
                { uri: uriOf(path.join("modules", "db.stack")), range: rangeOf(dbModule, "cache", 0) },
                "definition of cache");
            // A property name is not a reference.
            checkEqual(await definition(positionOf(navigation, "image")), null, "definition of image");
        },
    },
    {
        name: "hover shows declarations and the schema's documentation",
        async run() {
            const uri = uriOf("navigation.stack");
            const hover = (position) => session.request("textDocument/hover", { textDocument: { uri }, position });
            const value = (result) => result?.contents?.value ?? "";

            const web = await hover(positionOf(navigation, "web", 2));
            check(value(web).includes("app web"), `hover of web: ${JSON.stringify(web)}`);
            checkEqual(web.contents.kind, "markdown", "contents.kind");
            checkEqual(web.range, rangeOf(navigation, "web", 2), "range of the hover of web");

            const tag = await hover(positionOf(navigation, "tag", 1));
            check(value(tag).includes('param tag = "1.0"'), `hover of tag: ${JSON.stringify(tag)}`);

            // An attribute of the imported database, with its documentation.
            const url = await hover(positionOf(navigation, "cache.url", 0, "cache.".length));
            check(value(url).includes("cache.url: string") && value(url).split("\n").length > 3,
                `hover of cache.url: ${JSON.stringify(url)}`);

            // A property: its type and documentation from the schema.
            const image = await hover(positionOf(navigation, "image"));
            check(value(image).includes("app image: string"), `hover of image: ${JSON.stringify(image)}`);

            // Nothing under the cursor: null.
            checkEqual(await hover(positionOf(navigation, "stack shop", 0, 5)), null, "hover of the stack name");
        },
    },

    {
        name: "the outline lists the declarations in order, components with their members",
        async run() {
            const uri = uriOf("navigation.stack");
            const symbols = await session.request("textDocument/documentSymbol", { textDocument: { uri } });
            check(Array.isArray(symbols), `documentSymbol result: ${JSON.stringify(symbols)}`);
            checkEqual(symbols.map((s) => [s.name, s.kind]),
                [["shop", 3], ["tag", 13], ["web", 5], ["migrate", 5]], "names and kinds");
            const web = symbols[2];
            checkEqual(web.detail, "app", "detail of web");
            checkEqual(web.selectionRange, rangeOf(navigation, "web", 0), "selectionRange of web");
            checkEqual(web.children.map((c) => c.name), ["image", "env"], "members of web");
            checkEqual(web.children[0].selectionRange, rangeOf(navigation, "image"), "selectionRange of image");
        },
    },
    {
        name: "completion offers what fits where the cursor is",
        async run() {
            const uri = uriOf("navigation.stack");
            const complete = async (text, needle, offset = needle.length) => {
                await session.notify("textDocument/didChange", {
                    textDocument: { uri, version: 10 }, contentChanges: [{ text }],
                });
                const result = await session.request("textDocument/completion",
                    { textDocument: { uri }, position: positionOf(text, needle, 0, offset) });
                const items = Array.isArray(result) ? result : result?.items;
                check(Array.isArray(items), `completion result: ${JSON.stringify(result)}`);
                return items;
            };
            const labels = (items) => items.map((item) => item.label);

            // A new member of an app: its properties, with type and documentation.
            let items = await complete(navigation.replace("  env =", "  rep\n  env ="), "  rep");
            const replicas = items.find((item) => item.label === "replicas");
            check(replicas && replicas.detail === "int" && replicas.documentation,
                `replicas in ${JSON.stringify(items.slice(0, 3))}...`);
            check(!labels(items).includes("engine") && labels(items).includes("compose"),
                `app members: ${labels(items)}`);
            // After `cache.`: the attributes of the database in the imported module.
            items = await complete(navigation.replace("cache.url", "cache.u"), "cache.");
            check(labels(items).includes("url") && labels(items).includes("host"), `attributes: ${labels(items)}`);
            // A value: components and params.
            items = await complete(navigation.replace("from = web", "from = w"), "from = ");
            check(["web", "migrate", "cache", "tag"].every((name) => labels(items).includes(name)),
                `values: ${labels(items)}`);
            // The top level: declaration keywords.
            items = await complete(navigation + "zz\n", "zz");
            check(["app", "database", "profile", "param"].every((k) => labels(items).includes(k)),
                `top level: ${labels(items)}`);
            // Inside a string: nothing.
            items = await complete(navigation, "shop/web", 2);
            checkEqual(items, [], "completion in a string");

            // Back to the text the next cases expect.
            await session.diagnosticsAfter("textDocument/didChange", {
                textDocument: { uri, version: 11 }, contentChanges: [{ text: navigation }],
            }, uri);
        },
    },
    {
        name: "an edit to an open imported module re-checks the stack importing it",
        async run() {
            const uri = uriOf("navigation.stack");
            const moduleUri = uriOf(path.join("modules", "db.stack"));
            // Opening the module as it is on disk changes nothing for the stack.
            let params = await session.diagnosticsAfter("textDocument/didOpen", openParams(moduleUri, dbModule), uri);
            checkEqual(params.diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error), [], "errors");
            // Renaming the database, unsaved, breaks the stack's `cache.url`.
            params = await session.diagnosticsAfter("textDocument/didChange", {
                textDocument: { uri: moduleUri, version: 2 },
                contentChanges: [{ text: dbModule.replace("cache", "store") }],
            }, uri);
            const errors = params.diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
            check(errors.length > 0 && errors.some((d) => d.message.includes("cache")),
                `expected an error about 'cache' in ${JSON.stringify(params.diagnostics)}`);
            checkEqual(errors[0].range, rangeOf(navigation, "cache", 0), "range of the error");
            params = await session.diagnosticsAfter("textDocument/didChange", {
                textDocument: { uri: moduleUri, version: 3 },
                contentChanges: [{ text: dbModule }],
            }, uri);
            checkEqual(params.diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error), [], "errors after undo");
        },
    },
    {
        name: "an open module is checked through the open stack importing it",
        async run() {
            const moduleUri = uriOf(path.join("modules", "db.stack"));
            // Alone it would lack a `stack` declaration (E0207); imported, it does not.
            let params = await session.diagnosticsAfter("textDocument/didChange", {
                textDocument: { uri: moduleUri, version: 4 },
                contentChanges: [{ text: dbModule }],
            }, moduleUri);
            // (The ECS target's warning about Redis is the module's, and stays.)
            const errors = (p) => p.diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
            checkEqual(errors(params), [], "errors of the imported module");
            check(params.diagnostics.some((d) => d.code === "W0402"), `the module's own warning is missing: ${JSON.stringify(params.diagnostics)}`);
            // A problem inside the module is shown in it, where it is.
            const broken = dbModule.replace("{}", "{ bogus = 1 }");
            params = await session.diagnosticsAfter("textDocument/didChange", {
                textDocument: { uri: moduleUri, version: 5 },
                contentChanges: [{ text: broken }],
            }, moduleUri);
            checkEqual(errors(params).map((d) => [d.code, d.range]), [["E0203", rangeOf(broken, "bogus")]],
                "errors of the broken module");
            checkEqual(params.version, 5, "version");
            params = await session.diagnosticsAfter("textDocument/didChange", {
                textDocument: { uri: moduleUri, version: 6 },
                contentChanges: [{ text: dbModule }],
            }, moduleUri);
            checkEqual(errors(params), [], "errors of the mended module");

            // Closed unsaved, the module is read from disk again by the stack.
            const uri = uriOf("navigation.stack");
            params = await session.diagnosticsAfter("textDocument/didChange", {
                textDocument: { uri: moduleUri, version: 7 },
                contentChanges: [{ text: dbModule.replace("cache", "store") }],
            }, uri);
            check(errors(params).length > 0, "renaming the database in the editor breaks the stack");
            params = await session.diagnosticsAfter("textDocument/didClose", { textDocument: { uri: moduleUri } }, uri);
            checkEqual(errors(params), [], "errors of the stack once the module is closed");
        },
    },
    {
        name: "shutdown and exit end the server with code 0",
        async run() {
            checkEqual(await session.request("shutdown"), null, "shutdown result");
            await session.notify("exit");
            const status = await withTimeout(session.exited, STEP_TIMEOUT_MS, "exit (the server is still running)");
            check(status.code === 0, session.describeExit());
        },
    },
];

// -------------------------------------------------------------------- run

let passed = 0;
let failed = 0;
let current = null;

function finish() {
    for (const server of servers) server.kill();
    fs.rmSync(tmp, { recursive: true, force: true });
    if (failed > 0) {
        servers.forEach((server, i) => {
            if (!server.stderr) return;
            console.log(`stderr of server ${i + 1} of ${servers.length}:`);
            console.log(server.stderr.replace(/^(?=.)/gm, "    ").trimEnd());
        });
    }
    console.log(`${passed} passed, ${failed} failed`);
    process.exit(failed === 0 ? 0 : 1);
}

setTimeout(() => {
    failed++;
    console.log(`FAIL ${current ?? "(between cases)"}: the run took longer than ${OVERALL_TIMEOUT_MS / 1000} s`);
    finish();
}, OVERALL_TIMEOUT_MS);

for (const { name, run } of cases) {
    current = name;
    try {
        await run();
        passed++;
        console.log(`ok ${name}`);
    } catch (error) {
        failed++;
        console.log(`FAIL ${name}: ${error?.message ?? error}`);
    }
}
current = null;
finish();
