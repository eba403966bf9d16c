// Independent validation of Kubernetes manifests written by stackc.
//
//   node tests/validate/validate-kubernetes.mjs MODULES_DIR FILE...
//
// MODULES_DIR is the node_modules folder install-kubernetes.sh filled. Each
// FILE is read as a multi-document YAML stream in YAML 1.1 mode, as kubectl
// reads it (an unquoted `yes` is a boolean there), and every document must:
//   1. parse without errors or warnings, duplicate keys included, and not be empty;
//   2. name an apiVersion and kind that a current cluster serves: the pair
//      must have a model in npm kubernetes-models, and not be in REMOVED
//      below (kubernetes-models still ships removed APIs);
//   3. pass that model's validate(): types, required fields, enums and
//      formats from the Kubernetes OpenAPI spec;
//   4. contain no unknown fields: every key is checked against the attribute
//      maps of npm @kubernetes/client-node, which validate() does not do.
// Nothing here shares code with stackc.
//
// Exit status: 0 when every file is valid, 1 when one is not, 2 on usage errors.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const prog = "validate-kubernetes";

// API versions no longer served by any supported Kubernetes release (the
// version as a whole, or only the kinds listed).
const REMOVED = {
  "extensions/v1beta1": "*",
  "apps/v1beta1": "*",
  "apps/v1beta2": "*",
  "batch/v1beta1": "*",
  "batch/v2alpha1": "*",
  "policy/v1beta1": "*",
  "networking.k8s.io/v1beta1": "*",
  "autoscaling/v2beta1": "*",
  "autoscaling/v2beta2": "*",
  "rbac.authorization.k8s.io/v1alpha1": "*",
  "rbac.authorization.k8s.io/v1beta1": "*",
  "apiextensions.k8s.io/v1beta1": "*",
  "apiregistration.k8s.io/v1beta1": "*",
  "authentication.k8s.io/v1beta1": ["TokenReview"],
  "authorization.k8s.io/v1beta1": "*",
  "certificates.k8s.io/v1beta1": ["CertificateSigningRequest"],
  "coordination.k8s.io/v1beta1": ["Lease"],
  "discovery.k8s.io/v1beta1": "*",
  "events.k8s.io/v1beta1": "*",
  "flowcontrol.apiserver.k8s.io/v1alpha1": "*",
  "flowcontrol.apiserver.k8s.io/v1beta1": "*",
  "flowcontrol.apiserver.k8s.io/v1beta2": "*",
  "flowcontrol.apiserver.k8s.io/v1beta3": "*",
  "node.k8s.io/v1beta1": "*",
  "scheduling.k8s.io/v1beta1": "*",
  "storage.k8s.io/v1beta1": ["CSIDriver", "CSINode", "StorageClass", "VolumeAttachment", "CSIStorageCapacity"],
  "admissionregistration.k8s.io/v1beta1": ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"],
};

function usage() {
  console.error("usage: node validate-kubernetes.mjs MODULES_DIR FILE...");
  process.exit(2);
}

const [modulesDir, ...files] = process.argv.slice(2);
if (!modulesDir || files.length === 0) usage();

async function load(relative) {
  const file = path.join(modulesDir, relative);
  if (!fs.existsSync(file)) {
    console.error(`${prog}: ${file} is missing; run tests/validate/install-kubernetes.sh`);
    process.exit(2);
  }
  return import(pathToFileURL(file).href);
}

const YAML = (await load("yaml/dist/index.js")).default;
// The generated models only; the package's entry point pulls in an HTTP
// client that this node does not need.
const clientModels = await load("@kubernetes/client-node/dist/gen/models/ObjectSerializer.js");

function isRemoved(apiVersion, kind) {
  const entry = REMOVED[apiVersion];
  return entry === "*" || (Array.isArray(entry) && entry.includes(kind));
}

async function modelOf(apiVersion, kind) {
  // "v1" or "group/version", as the package's folders are named.
  const file = path.join(modulesDir, "kubernetes-models", apiVersion, `${kind}.js`);
  if (!/^[A-Za-z0-9.\/-]+$/.test(apiVersion) || !/^[A-Za-z0-9]+$/.test(kind) || !fs.existsSync(file)) return null;
  const module = await import(pathToFileURL(file).href);
  return module[kind] ?? null;
}

// client-node names its classes after version and kind: apps/v1 Deployment
// is V1Deployment, v1 Service is V1Service.
function clientClassOf(apiVersion, kind) {
  const version = apiVersion.split("/").pop();
  const name = version.charAt(0).toUpperCase() + version.slice(1) + kind;
  return clientModels[name] && clientModels[name].getAttributeTypeMap ? clientModels[name] : null;
}

const PRIMITIVES = new Set(["string", "number", "boolean", "Date", "any", "object", "IntOrString", "RawExtension"]);

// Every key of `value` must be an attribute of `type`; recurses into
// nested models, arrays and maps.
function unknownFields(value, type, where, errors) {
  if (value === null || value === undefined) return;
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (Array.isArray(value)) value.forEach((item, i) => unknownFields(item, array[1], `${where}[${i}]`, errors));
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    if (typeof value === "object") {
      for (const [key, item] of Object.entries(value)) unknownFields(item, map[1], `${where}.${key}`, errors);
    }
    return;
  }
  if (PRIMITIVES.has(type) || typeof value !== "object" || Array.isArray(value)) return;
  const model = clientModels[type];
  if (!model || !model.getAttributeTypeMap) {
    errors.push(`${where}: no attribute map for type ${type} to check its fields against`);
    return;
  }
  const attributes = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  for (const [key, item] of Object.entries(value)) {
    if (!attributes.has(key)) {
      errors.push(`${where}.${key}: unknown field "${key}" in ${type.replace(/^V\d\w*?(?=[A-Z])/, "")}`);
      continue;
    }
    unknownFields(item, attributes.get(key), `${where}.${key}`, errors);
  }
}

async function checkDocument(object, errors) {
  if (object === null || typeof object !== "object" || Array.isArray(object)) {
    errors.push("the document is not a mapping");
    return "";
  }
  const { apiVersion, kind } = object;
  const name = object.metadata && object.metadata.name;
  const label = `${kind ?? "?"}/${name ?? "?"}`;
  if (typeof apiVersion !== "string" || typeof kind !== "string") {
    errors.push(`${label}: apiVersion and kind must be strings`);
    return label;
  }
  if (isRemoved(apiVersion, kind)) {
    errors.push(`${label}: ${apiVersion} ${kind} is a removed API version`);
    return label;
  }
  const Model = await modelOf(apiVersion, kind);
  if (!Model) {
    errors.push(`${label}: unknown apiVersion/kind ${apiVersion} ${kind}`);
    return label;
  }
  try {
    new Model(object).validate();
  } catch (e) {
    const details = Array.isArray(e.errors)
      ? e.errors.map((d) => `${d.instancePath || "/"} ${d.message}${d.params ? " " + JSON.stringify(d.params) : ""}`)
      : [String(e.message ?? e)];
    for (const d of details) errors.push(`${label}: schema: ${d}`);
  }
  const clientClass = clientClassOf(apiVersion, kind);
  if (!clientClass) {
    errors.push(`${label}: no @kubernetes/client-node model for ${apiVersion} ${kind} to check fields against`);
  } else {
    const fieldErrors = [];
    const typeName = Object.keys(clientModels).find((k) => clientModels[k] === clientClass);
    unknownFields(object, typeName, kind, fieldErrors);
    for (const e of fieldErrors) errors.push(`${label}: ${e}`);
  }
  return label;
}

let failed = 0;
let documents = 0;
for (const file of files) {
  const errors = [];
  const labels = [];
  let text;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    errors.push(`cannot read: ${e.message}`);
  }
  if (text !== undefined) {
    const docs = YAML.parseAllDocuments(text, { version: "1.1", uniqueKeys: true, prettyErrors: false });
    if (!Array.isArray(docs)) {
      errors.push("not a YAML stream");
    } else {
      for (const [i, doc] of docs.entries()) {
        for (const e of doc.errors) errors.push(`document ${i + 1}: YAML error: ${e.message}`);
        for (const w of doc.warnings) errors.push(`document ${i + 1}: YAML warning: ${w.message}`);
        if (doc.errors.length) continue;
        const object = doc.toJS();
        if (object === null || object === undefined) {
          errors.push(`document ${i + 1} is empty`);
          continue;
        }
        documents += 1;
        labels.push(await checkDocument(object, errors));
      }
      if (docs.length === 0) errors.push("no documents");
    }
  }
  if (errors.length) {
    failed += 1;
    console.log(`${prog}: FAIL ${file}`);
    for (const e of errors) console.log(`    ${e}`);
  } else {
    console.log(`${prog}: ok ${file} (${labels.join(", ")})`);
  }
}
console.log(`${prog}: ${files.length} file(s), ${documents} object(s) checked, ${failed} invalid`);
process.exit(failed ? 1 : 0);
