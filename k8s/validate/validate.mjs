// Validates LM Forge's Kubernetes manifests offline: renders every overlay with `kubectl kustomize`,
// checks each object against the Kubernetes API schemas (kubernetes-models; KEDA's too), and checks
// the platform's own rules: every container has probes, limits and a non-root, read-only context;
// the KafkaTopic resources are exactly infra/topics.properties, which holds every topic the services
// use; the local Kafka authenticates and authorizes, its KafkaUsers grant exactly the ACLs of
// infra/kafka-acls.properties, and each service uses its own; every key the ConfigMaps set is
// configuration some service reads.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import yaml from "js-yaml";

const root = resolve(import.meta.dirname, "../..");
const failures = [];
let checks = 0;
const fail = (where, message) => failures.push(`${where}: ${message}`);

function render(dir) {
  const out = execFileSync("kubectl", ["kustomize", dir], { encoding: "utf8" });
  return yaml.loadAll(out).filter(Boolean);
}

const overlays = {
  local: render(join(root, "k8s/overlays/local")),
  production: render(join(root, "k8s/overlays/production")),
  gpu: render(join(root, "k8s/overlays/gpu")),
  "production+keda": render(join(root, "k8s/validate/with-keda")),
};

async function schemaCheck(where, obj) {
  const { apiVersion, kind } = obj;
  let module;
  if (apiVersion.startsWith("keda.sh/")) {
    module = await import(`@kubernetes-models/keda/${apiVersion}`);
  } else if (apiVersion.startsWith("kafka.strimzi.io/")) {
    return strimziCheck(where, obj);
  } else {
    module = await import(`kubernetes-models/${apiVersion}`);
  }
  const Model = module[kind];
  if (!Model) {
    return fail(where, `no schema for ${apiVersion} ${kind}`);
  }
  checks++;
  try {
    new Model(obj).validate();
  } catch (e) {
    fail(where, `does not match the ${apiVersion} ${kind} schema: ${e.message}`);
  }
}

// Strimzi publishes no model package: check the fields its operator requires.
function strimziCheck(where, obj) {
  checks++;
  const spec = obj.spec ?? {};
  const need = {
    Kafka: () => spec.kafka?.listeners?.length > 0,
    KafkaNodePool: () => spec.replicas > 0 && spec.roles?.length > 0 && spec.storage && obj.metadata.labels?.["strimzi.io/cluster"],
    KafkaTopic: () => spec.partitions > 0 && spec.replicas > 0 && obj.metadata.labels?.["strimzi.io/cluster"],
    KafkaUser: () => spec.authentication?.type && obj.metadata.labels?.["strimzi.io/cluster"]
      && (spec.authorization === undefined || (spec.authorization.type === "simple" && spec.authorization.acls?.every((a) => a.resource?.type && a.resource?.name !== undefined && (a.operations?.length > 0 || a.operation)))),
  }[obj.kind];
  if (!need) return fail(where, `unexpected Strimzi kind ${obj.kind}`);
  if (!need()) fail(where, `${obj.kind} lacks required fields`);
}

function podChecks(where, pod) {
  for (const c of pod.containers ?? []) {
    const at = `${where} container ${c.name}`;
    checks++;
    for (const probe of ["startupProbe", "livenessProbe", "readinessProbe"]) {
      if (!c[probe]) fail(at, `has no ${probe}`);
    }
    for (const r of ["cpu", "memory"]) {
      if (!c.resources?.limits?.[r]) fail(at, `has no ${r} limit`);
      if (!c.resources?.requests?.[r]) fail(at, `has no ${r} request`);
    }
    const nonRoot = c.securityContext?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot;
    if (nonRoot !== true) fail(at, "may run as root (runAsNonRoot is not true)");
    if (c.securityContext?.readOnlyRootFilesystem !== true) fail(at, "has a writable root filesystem");
    if (c.securityContext?.allowPrivilegeEscalation !== false) fail(at, "allows privilege escalation");
    if (!(c.securityContext?.capabilities?.drop ?? []).includes("ALL")) fail(at, "keeps Linux capabilities (drop ALL)");
  }
}

// Topics: infra/topics.properties is the one list.
function properties(file) {
  const out = {};
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const t = line.trim();
    if (!t || t.startsWith("#")) continue;
    const i = t.indexOf("=");
    out[t.slice(0, i).trim()] = t.slice(i + 1).trim();
  }
  return out;
}
const topics = properties(join(root, "infra/topics.properties"));
const services = ["preprocess-service", "tokenizer-service", "trainer-service", "tuner-service", "inference-service"];
const serviceConfig = services.map((s) => join(root, s, "src/main/resources/application.properties"));
const configFiles = [...serviceConfig, join(root, "common/src/main/resources/META-INF/microprofile-config.properties")];

function topicChecks(objects) {
  const kafkaTopics = objects.filter((o) => o.kind === "KafkaTopic");
  const declared = Object.fromEntries(kafkaTopics.map((t) => [t.spec.topicName, String(t.spec.partitions)]));
  const compacted = new Set(kafkaTopics.filter((t) => t.spec.config?.["cleanup.policy"] === "compact").map((t) => t.spec.topicName));
  checks++;
  for (const [name, spec] of Object.entries(topics)) {
    const [partitions, policy] = spec.split(/\s+/);
    if (declared[name] === undefined) fail("local KafkaTopics", `topic ${name} of infra/topics.properties has no KafkaTopic`);
    else if (declared[name] !== partitions) fail("local KafkaTopics", `topic ${name} has ${declared[name]} partitions, infra/topics.properties says ${partitions}`);
    else if ((policy === "compact") !== compacted.has(name)) fail("local KafkaTopics", `topic ${name}: cleanup.policy compact in one of infra/topics.properties and its KafkaTopic only`);
  }
  for (const name of Object.keys(declared)) {
    if (topics[name] === undefined) fail("local KafkaTopics", `KafkaTopic ${name} is not in infra/topics.properties`);
  }
  for (const file of serviceConfig) {
    for (const [key, value] of Object.entries(properties(file))) {
      if (key.endsWith(".topic")) {
        checks++;
        if (topics[value] === undefined) fail(file, `${key}=${value} is not a topic of infra/topics.properties`);
      }
    }
  }
}

// Kafka access: the local broker authenticates (SCRAM-SHA-512) and authorizes every client; the
// KafkaUsers grant exactly the ACLs of infra/kafka-acls.properties; each service signs in as its own
// user (named like the service) with the password of that user's Secret.
const aclTable = properties(join(root, "infra/kafka-acls.properties"));
const accessOf = { "topic Read": "read", "topic Write": "write", "group Read": "group", "group Describe": "describe-groups" };
function accessChecks(objects) {
  const where = "local Kafka access";
  checks++;
  const kafka = objects.find((o) => o.kind === "Kafka");
  for (const l of kafka?.spec.kafka.listeners ?? []) {
    if (l.authentication?.type !== "scram-sha-512") fail(where, `listener ${l.name} does not authenticate with scram-sha-512`);
  }
  if (kafka?.spec.kafka.authorization?.type !== "simple") fail(where, "Kafka has no simple authorization");
  if (!kafka?.spec.entityOperator?.userOperator) fail(where, "Kafka runs no User Operator (the KafkaUsers would get no credentials)");
  const users = objects.filter((o) => o.kind === "KafkaUser");
  const wanted = new Set(Object.entries(aclTable).flatMap(([key, names]) => {
    const dot = key.lastIndexOf(".");
    return names.split(",").map((n) => `${key.slice(0, dot)} ${key.slice(dot + 1)} ${n.trim()}`);
  }));
  const granted = new Set(users.flatMap((u) => (u.spec.authorization?.acls ?? []).flatMap((a) =>
    (a.operations ?? [a.operation]).map((op) => {
      const access = accessOf[`${a.resource.type} ${op}`] ?? `${a.resource.type} ${op}`;
      return `${u.metadata.name} ${access} ${a.resource.name}${a.resource.patternType === "prefix" ? "*" : ""}`;
    }))));
  for (const acl of wanted) if (!granted.has(acl)) fail(where, `no KafkaUser grants "${acl}" of infra/kafka-acls.properties`);
  for (const acl of granted) if (!wanted.has(acl)) fail(where, `a KafkaUser grants "${acl}", which infra/kafka-acls.properties does not list`);
  for (const user of services) {
    const d = objects.find((o) => o.kind === "Deployment" && o.metadata.labels?.["app.kubernetes.io/component"] === user);
    if (!d) { fail(where, `no Deployment of ${user}`); continue; }
    if (!users.some((u) => u.metadata.name === user)) fail(where, `no KafkaUser ${user} for Deployment ${d.metadata.name}`);
    for (const c of d.spec.template.spec.containers) {
      const ref = c.env?.find((e) => e.name === "LMFORGE_KAFKA_PASSWORD")?.valueFrom?.secretKeyRef;
      if (ref?.name !== user || ref?.key !== "password") fail(where, `container ${c.name} of ${d.metadata.name} does not read LMFORGE_KAFKA_PASSWORD from the Secret ${user} (key password)`);
    }
  }
}

// ConfigMap keys are environment variables; each must name configuration a service reads.
const knownKeys = new Set(configFiles.flatMap((f) => Object.keys(properties(f)))
  .map((k) => k.replace(/^%[a-z]+\./, "").replace(/[^A-Za-z0-9]/g, "_").toUpperCase()));
const notQuarkus = new Set(["JAVA_OPTS_APPEND", "JAVA_TOOL_OPTIONS", "DJL_CACHE_DIR"]);
function configChecks(where, configMap) {
  for (const key of Object.keys(configMap.data ?? {})) {
    checks++;
    if (!knownKeys.has(key) && !notQuarkus.has(key)) {
      fail(where, `ConfigMap key ${key} is not configuration any service reads (no matching key in application.properties or common's defaults)`);
    }
  }
}

for (const [overlay, objects] of Object.entries(overlays)) {
  for (const obj of objects) {
    const where = `${overlay}: ${obj.kind} ${obj.metadata?.name}`;
    await schemaCheck(where, obj);
    if (obj.kind === "Deployment") podChecks(where, obj.spec.template.spec);
    if (obj.kind === "ConfigMap") configChecks(where, obj);
  }
}
topicChecks(overlays.local);
accessChecks(overlays.local);

if (failures.length) {
  console.error(`k8s validation: ${failures.length} problem(s) in ${checks} checks`);
  failures.forEach((f) => console.error("  - " + f));
  console.log(`0 passed, ${failures.length} failed`);
  process.exit(1);
}
console.log(`k8s validation: ${Object.keys(overlays).join(", ")} rendered`);
console.log(`${checks} passed, 0 failed`);
