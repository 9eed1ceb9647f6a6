// Validates LM Forge's Kubernetes manifests offline: renders every overlay with `kubectl kustomize`,
// checks each object against the Kubernetes API schemas (kubernetes-models; KEDA's and cert-manager's
// too), and checks the platform's own rules: every container has probes, limits and a non-root,
// read-only context; the KafkaTopic resources are exactly infra/topics.properties, which holds every
// topic the services use; the local Kafka authenticates and authorizes, its KafkaUsers grant exactly
// the ACLs of infra/kafka-acls.properties, and each service uses its own; every key the ConfigMaps set
// is configuration some service (or the console) reads; the NetworkPolicies deny by default and allow
// exactly the calls the services and the web console make (simulated), and Kafka and S3 to the services
// only; health and metrics are on each service's and the console's plain management port,
// and TLS is on exactly where a certificate is mounted (the TLS component's, issued, and mounted by
// their services); with the monitoring component, a ServiceMonitor scrapes every service's management
// port and the Grafana dashboard queries only metrics the services export. A self-test breaks copies of
// the manifests and makes sure those semantic checks notice.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import yaml from "js-yaml";

const root = resolve(import.meta.dirname, "../..");
const failures = [];
let checks = 0;
const fail = (where, message) => failures.push(`${where}: ${message}`);
const check = (ok, where, message) => {
  checks++;
  if (!ok) fail(where, message);
  return ok;
};

function render(dir) {
  const out = execFileSync("kubectl", ["kustomize", dir], { encoding: "utf8" });
  return yaml.loadAll(out).filter(Boolean);
}

const overlays = {
  local: render(join(root, "k8s/overlays/local")),
  production: render(join(root, "k8s/overlays/production")),
  gpu: render(join(root, "k8s/overlays/gpu")),
  "production+keda": render(join(root, "k8s/validate/with-keda")),
  "production+tls": render(join(root, "k8s/validate/with-tls")),
  "production+monitoring": render(join(root, "k8s/validate/with-monitoring")),
};

async function schemaCheck(where, obj) {
  const { apiVersion, kind } = obj;
  let module;
  if (apiVersion.startsWith("keda.sh/")) {
    module = await import(`@kubernetes-models/keda/${apiVersion}`);
  } else if (apiVersion.startsWith("cert-manager.io/")) {
    module = await import(`@kubernetes-models/cert-manager/${apiVersion}`);
  } else if (apiVersion.startsWith("monitoring.coreos.com/")) {
    module = await import(`@kubernetes-models/prometheus-operator/${apiVersion}`);
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
// The modules deployed as a Deployment and a Service of their name: the five services (gRPC servers
// that use Kafka and S3) and the web console, a gRPC client of the five with no Kafka, S3 or topics.
const services = ["preprocess-service", "tokenizer-service", "trainer-service", "tuner-service", "inference-service"];
const consoles = ["console"];
const modules = [...services, ...consoles];
const configOf = (m) => join(root, m, "src/main/resources/application.properties");
const serviceConfig = services.map(configOf);
const moduleConfig = modules.map(configOf);
const configFiles = [...moduleConfig, join(root, "common/src/main/resources/META-INF/microprofile-config.properties")];

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

// NetworkPolicy semantics, simulated on the rendered objects: the policies that select a pod (in its
// namespace) isolate it in their directions and union their rules; a peer matches by its pod and
// namespace selectors; a rule without peers, or without ports, matches all of them. Pod IPs are not
// known offline: an ipBlock matches an address outside the cluster, or a pod only when it is 0.0.0.0/0.
function selects(selector, labels = {}) {
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  return (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    const has = Object.hasOwn(labels, key);
    return { In: has && values.includes(labels[key]), NotIn: !has || !values.includes(labels[key]), Exists: has, DoesNotExist: !has }[operator];
  });
}
const namespaceOf = (obj) => obj.metadata.namespace ?? "default";
const namespaceLabels = (objects, ns) => ({
  "kubernetes.io/metadata.name": ns,
  ...objects.find((o) => o.kind === "Namespace" && o.metadata.name === ns)?.metadata.labels,
});
const podOf = (objects, d) => ({
  name: `Deployment ${d.metadata.name}`,
  deployment: d,
  namespace: namespaceOf(d),
  labels: d.spec.template.metadata?.labels ?? {},
  nsLabels: namespaceLabels(objects, namespaceOf(d)),
  ports: d.spec.template.spec.containers.flatMap((c) => c.ports ?? []),
});
const policyTypes = (p) => p.spec.policyTypes ?? ["Ingress", ...(p.spec.egress ? ["Egress"] : [])];

function peerMatches(peer, policyNs, end) {
  if (peer.ipBlock) return end.external || (["0.0.0.0/0", "::/0"].includes(peer.ipBlock.cidr) && !peer.ipBlock.except?.length);
  if (end.external) return false;
  const inNamespace = peer.namespaceSelector ? selects(peer.namespaceSelector, end.nsLabels) : end.namespace === policyNs;
  return inNamespace && (!peer.podSelector || selects(peer.podSelector, end.labels));
}
function portMatches(ports, conn) {
  return !ports?.length || ports.some((p) => (p.protocol ?? "TCP") === conn.protocol &&
    (p.port === undefined || p.port === conn.port || p.port === conn.name || (p.endPort !== undefined && conn.port >= p.port && conn.port <= p.endPort)));
}
// Whether the policies let traffic out of `end` to `peer` (Egress) or into `end` from `peer` (Ingress).
function lets(policies, end, direction, peer, conn) {
  if (end.external) return true;
  const [rules, peers] = direction === "Egress" ? ["egress", "to"] : ["ingress", "from"];
  const isolating = policies.filter((p) => namespaceOf(p) === end.namespace && selects(p.spec.podSelector, end.labels) && policyTypes(p).includes(direction));
  return isolating.length === 0 || isolating.some((p) => (p.spec[rules] ?? []).some((r) =>
    portMatches(r.ports, conn) && (!r[peers]?.length || r[peers].some((x) => peerMatches(x, namespaceOf(p), peer)))));
}
const connects = (policies, from, to, conn) => ({
  egress: lets(policies, from, "Egress", to, conn),
  ingress: lets(policies, to, "Ingress", from, conn),
});
const why = ({ egress }, from, to) => (egress ? `no ingress rule lets it into ${to}` : `no egress rule lets ${from} out`);

// A Service's pods, and the port a connection to it reaches (targetPort resolved on the pods).
function serviceTarget(objects, name, ns, port) {
  const svc = objects.find((o) => o.kind === "Service" && o.metadata.name === name && namespaceOf(o) === ns);
  if (!svc) return undefined;
  const pods = objects.filter((o) => o.kind === "Deployment" && namespaceOf(o) === ns && selects({ matchLabels: svc.spec.selector }, o.spec.template.metadata?.labels))
    .map((d) => podOf(objects, d));
  const sp = svc.spec.ports.find((p) => port === undefined || p.port === port) ?? svc.spec.ports[0];
  const tp = sp.targetPort ?? sp.port;
  const cp = pods[0]?.ports.find((p) => p.name === tp || p.containerPort === tp);
  return { pods, conn: { port: cp?.containerPort ?? tp, name: cp?.name, protocol: sp.protocol ?? "TCP" } };
}
// Where a host:port of the configuration leads: a rendered Service, a Strimzi cluster's brokers, or
// outside the namespace.
function endpoint(objects, host, port, ns) {
  const [name, hostNs = ns] = host.split(".");
  const local = hostNs === ns && /^[^.]+(\.[^.]+(\.svc(\.cluster\.local)?)?)?$/.test(host);
  const svc = local ? serviceTarget(objects, name, ns, port) : undefined;
  if (svc?.pods.length) return svc.pods.map((pod) => [pod, svc.conn]);
  const kafka = local && objects.find((o) => o.kind === "Kafka" && `${o.metadata.name}-kafka-bootstrap` === name);
  if (kafka) {
    const labels = { "strimzi.io/cluster": kafka.metadata.name, "strimzi.io/kind": "Kafka", "strimzi.io/name": `${kafka.metadata.name}-kafka`, "strimzi.io/broker-role": "true" };
    return [[{ name: `Kafka ${kafka.metadata.name}'s brokers`, namespace: ns, labels, nsLabels: namespaceLabels(objects, ns) }, { port, protocol: "TCP" }]];
  }
  return [[{ name: host, external: true }, { port, protocol: "TCP" }]];
}

// The gRPC calls between the deployed modules (the services and the console), as their configuration
// declares them: caller>callee. Their Deployments and Services are named like the module, less -service.
const serviceNames = modules.map((s) => s.replace(/-service$/, ""));
const calls = new Set(modules.flatMap((s, i) => Object.keys(properties(moduleConfig[i]))
  .map((k) => k.match(/^(?:%[\w-]+\.)?quarkus\.grpc\.clients\.([\w-]+)\.host$/)?.[1])
  .filter((callee) => serviceNames.includes(callee))
  .map((callee) => `${serviceNames[i]}>${callee}`)));

function networkChecks(overlay, objects, check) {
  const policies = objects.filter((o) => o.kind === "NetworkPolicy");
  const pods = objects.filter((o) => o.kind === "Deployment").map((d) => podOf(objects, d));
  for (const p of policies) {
    check(pods.some((pod) => pod.namespace === namespaceOf(p) && selects(p.spec.podSelector, pod.labels)),
      `${overlay}: NetworkPolicy ${p.metadata.name}`, "selects no Deployment's pods");
  }
  const deny = policies.find((p) => p.metadata.name === "default-deny");
  const denyAt = `${overlay}: NetworkPolicy default-deny`;
  if (check(deny, denyAt, "is missing")) {
    check(["Ingress", "Egress"].every((t) => policyTypes(deny).includes(t)) && !deny.spec.ingress?.length && !deny.spec.egress?.length,
      denyAt, "must isolate both directions and allow nothing");
    for (const pod of pods) check(pod.namespace === namespaceOf(deny) && selects(deny.spec.podSelector, pod.labels), denyAt, `does not select ${pod.name}`);
  }

  const ns = namespaceOf(objects.find((o) => o.kind === "Deployment" && serviceNames.includes(o.metadata.name)));
  const targets = Object.fromEntries(serviceNames.map((n) => [n, serviceTarget(objects, n, ns)]));
  for (const n of serviceNames) check(targets[n]?.pods.length, `${overlay}: Service ${n}`, "is missing, or selects no Deployment");
  for (const caller of serviceNames) {
    for (const callee of serviceNames) {
      if (caller === callee || !targets[caller]?.pods.length || !targets[callee]?.pods.length) continue;
      const { conn } = targets[callee];
      for (const from of targets[caller].pods) {
        for (const to of targets[callee].pods) {
          const result = connects(policies, from, to, conn);
          const at = `${overlay}: ${caller} → ${callee}:${conn.port}`;
          if (calls.has(`${caller}>${callee}`)) {
            check(result.egress && result.ingress, at, `${modules[serviceNames.indexOf(caller)]} calls ${callee} (quarkus.grpc.clients.${callee}) but ${why(result, caller, callee)}`);
          } else {
            check(!(result.egress && result.ingress), at, `allowed, but ${modules[serviceNames.indexOf(caller)]} has no gRPC client for ${callee}`);
          }
        }
      }
    }
  }

  // The documented outside callers get in, clients to the API port and Prometheus to the management
  // port (health, metrics); any other pod of the namespace gets in nowhere.
  const client = { "lmforge.dev/client": "true" };
  const callers = [
    [true, false, { name: "a pod labelled lmforge.dev/client", namespace: ns, labels: client, nsLabels: namespaceLabels(objects, ns) }],
    [true, false, { name: "a client pod of a namespace labelled lmforge.dev/client", namespace: "apps", labels: client, nsLabels: { "kubernetes.io/metadata.name": "apps", ...client } }],
    [false, true, { name: "Prometheus in the namespace monitoring", namespace: "monitoring", labels: {}, nsLabels: { "kubernetes.io/metadata.name": "monitoring" } }],
    [false, false, { name: "an unlabelled pod of the namespace", namespace: ns, labels: {}, nsLabels: namespaceLabels(objects, ns) }],
    [false, false, { name: "a client pod of an unlabelled namespace", namespace: "apps", labels: client, nsLabels: { "kubernetes.io/metadata.name": "apps" } }],
  ];
  for (const n of serviceNames) {
    for (const to of targets[n]?.pods ?? []) {
      const management = to.ports.find((p) => p.name === "management");
      const ends = [["API", targets[n].conn], ["management", management && { port: management.containerPort, name: "management", protocol: "TCP" }]];
      for (const [api, metrics, from] of callers) {
        for (const [[port, conn], allowed] of [[ends[0], api], [ends[1], metrics]]) {
          if (!conn) continue;
          const { egress, ingress } = connects(policies, from, to, conn);
          check((egress && ingress) === allowed, `${overlay}: ${from.name} → ${n}'s ${port} port`, allowed ? "is not let in" : "is let in: the policies deny nothing");
        }
      }
    }
  }

  // Every pod that reads lmforge-config reaches the DNS, Kafka and S3 it names, except the console's,
  // which uses neither Kafka nor S3 (and has no credentials for them): it must reach neither.
  const config = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === "lmforge-config")?.data ?? {};
  const [kafkaHost, kafkaPort] = (config.KAFKA_BOOTSTRAP_SERVERS ?? "").split(",")[0].split(":");
  const s3 = new URL(config.QUARKUS_S3_ENDPOINT_OVERRIDE || "https://s3.amazonaws.com");
  const dns = { name: "kube-dns", namespace: "kube-system", labels: { "k8s-app": "kube-dns" }, nsLabels: { "kubernetes.io/metadata.name": "kube-system" } };
  const needs = [
    ["DNS", [[dns, { port: 53, protocol: "UDP" }]]],
    ["Kafka", endpoint(objects, kafkaHost, Number(kafkaPort), ns)],
    ["S3", endpoint(objects, s3.hostname, Number(s3.port || (s3.protocol === "https:" ? 443 : 80)), ns)],
  ];
  for (const from of pods.filter((p) => p.deployment.spec.template.spec.containers.some((c) => c.envFrom?.some((e) => e.configMapRef?.name === "lmforge-config")))) {
    const isConsole = consoles.includes(from.deployment.metadata.name) && namespaceOf(from.deployment) === ns;
    for (const [what, ends] of needs) {
      for (const [to, conn] of ends) {
        const result = connects(policies, from, to, conn);
        const at = `${overlay}: ${from.name} → ${what} (${to.name}:${conn.port})`;
        if (isConsole && what !== "DNS") check(!(result.egress && result.ingress), at, `is let through, but the console uses no ${what}`);
        else check(result.egress && result.ingress, at, why(result, from.name, to.name));
      }
    }
  }
}

// A container's environment variable, set in its env or by a ConfigMap it reads whole.
function envOf(objects, c, name) {
  const direct = c.env?.find((e) => e.name === name);
  if (direct) return direct.value;
  const maps = (c.envFrom ?? []).map((f) => objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === f.configMapRef?.name)?.data ?? {});
  return maps.reverse().find((d) => d[name] !== undefined)?.[name];
}

// Health and metrics live on the management interface, plain HTTP on a port of its own: every service
// names it "management" at QUARKUS_MANAGEMENT_PORT and probes it over HTTP, TLS or not on its API port.
// A service serves TLS unless LMFORGE_TLS_ENABLED=false and cannot start without a certificate: the
// switch must say "true" exactly where a Certificate's Secret is mounted.
function managementChecks(overlay, objects, check) {
  const tls = objects.some((o) => o.kind === "Certificate");
  for (const d of objects.filter((o) => o.kind === "Deployment" && serviceNames.includes(o.metadata.name))) {
    for (const c of d.spec.template.spec.containers) {
      const at = `${overlay}: Deployment ${d.metadata.name} container ${c.name}`;
      const port = c.ports?.find((p) => p.name === "management");
      check(port && String(port.containerPort) === envOf(objects, c, "QUARKUS_MANAGEMENT_PORT"), at,
        "needs a port named management at its QUARKUS_MANAGEMENT_PORT (health and metrics)");
      check(["startupProbe", "livenessProbe", "readinessProbe"].every((p) => c[p]?.httpGet && [port?.name, port?.containerPort].includes(c[p].httpGet.port) && (c[p].httpGet.scheme ?? "HTTP") === "HTTP"),
        at, "its probes must GET the management port over plain HTTP");
      const expected = tls ? "true" : "false";
      check(envOf(objects, c, "LMFORGE_TLS_ENABLED") === expected, at,
        tls ? "mounts a certificate: LMFORGE_TLS_ENABLED must be \"true\"" : "mounts no certificate: LMFORGE_TLS_ENABLED must be \"false\" (the services refuse to start with TLS on and no certificate)");
    }
  }
}

// cert-manager objects of the TLS component: every issuerRef resolves in the render, the CA's key
// stays with its Issuer, and each service's certificate names its Service and is mounted, with the
// environment that points Quarkus at it, by that Service's Deployment only.
const tlsDir = "/etc/lmforge/tls";
function tlsChecks(overlay, objects, check) {
  const certs = objects.filter((o) => o.kind === "Certificate");
  if (!certs.length) return;
  const issuers = objects.filter((o) => o.kind === "Issuer" || o.kind === "ClusterIssuer");
  const deployments = objects.filter((o) => o.kind === "Deployment");
  const mounting = (secretName, ns) => deployments.filter((d) => namespaceOf(d) === ns).flatMap((d) => {
    const spec = d.spec.template.spec;
    const volumes = (spec.volumes ?? []).filter((v) => v.secret?.secretName === secretName).map((v) => v.name);
    return spec.containers.flatMap((c) => (c.volumeMounts ?? []).filter((m) => volumes.includes(m.name)).map((m) => ({ d, c, path: m.mountPath })));
  });
  for (const cert of certs) {
    const at = `${overlay}: Certificate ${cert.metadata.name}`;
    const ns = namespaceOf(cert);
    const { kind = "Issuer", name } = cert.spec.issuerRef;
    check(issuers.some((i) => i.kind === kind && i.metadata.name === name && (kind === "ClusterIssuer" || namespaceOf(i) === ns)),
      at, `its issuerRef ${kind} ${name} is not in the render`);
    const mounts = mounting(cert.spec.secretName, ns);
    if (cert.spec.isCA) {
      check(issuers.some((i) => i.spec.ca?.secretName === cert.spec.secretName && namespaceOf(i) === ns), at, "is a CA that no Issuer uses");
      check(mounts.length === 0, at, `the CA's key is mounted by ${mounts.map((m) => m.d.metadata.name).join(", ")}`);
      continue;
    }
    const service = cert.spec.dnsNames?.[0];
    const owners = serviceTarget(objects, service, ns)?.pods.map((p) => p.deployment) ?? [];
    const names = [service, `${service}.${ns}`, `${service}.${ns}.svc`, `${service}.${ns}.svc.cluster.local`];
    if (!check(owners.length, at, `its first DNS name, ${service}, is no Service of the namespace with pods`)) continue;
    check(JSON.stringify(cert.spec.dnsNames) === JSON.stringify(names), at, `dnsNames must be the Service's names: ${names.join(", ")}`);
    if (!check(mounts.length === 1 && owners.includes(mounts[0].d), at,
      `Secret ${cert.spec.secretName} must be mounted once, by Deployment ${owners.map((d) => d.metadata.name).join(", ")}, not by ${mounts.map((m) => m.d.metadata.name).join(", ") || "none"}`)) continue;
    const { c, path } = mounts[0];
    const files = (c.env ?? []).filter((e) => e.value?.startsWith(`${path}/`)).map((e) => e.value.slice(path.length + 1));
    const fileOf = (name) => (c.env ?? []).find((e) => e.name === name)?.value;
    check(path === tlsDir && files.length === 3 && fileOf("QUARKUS_TLS_KEY_STORE_PEM_0_CERT") === `${path}/tls.crt` &&
      fileOf("QUARKUS_TLS_KEY_STORE_PEM_0_KEY") === `${path}/tls.key` && fileOf("LMFORGE_TLS_CA") === `${path}/ca.crt`,
      at, `container ${c.name} must mount it at ${tlsDir} and point QUARKUS_TLS_KEY_STORE_PEM_0_CERT, _KEY and LMFORGE_TLS_CA at its tls.crt, tls.key and ca.crt`);
  }
  for (const issuer of issuers.filter((i) => i.spec.ca)) {
    check(certs.some((c) => c.spec.isCA && c.spec.secretName === issuer.spec.ca.secretName && namespaceOf(c) === namespaceOf(issuer)),
      `${overlay}: Issuer ${issuer.metadata.name}`, `its CA Secret ${issuer.spec.ca.secretName} is no CA Certificate's`);
  }
  for (const d of deployments.filter((d) => serviceNames.includes(d.metadata.name))) {
    check(certs.some((cert) => mounting(cert.spec.secretName, namespaceOf(cert)).some((m) => m.d === d)),
      `${overlay}: Deployment ${d.metadata.name}`, "mounts no Certificate's Secret while the others serve TLS");
  }
}

// Monitoring (the optional component): Prometheus scrapes every service's /q/metrics on its management
// port through a ServiceMonitor, and the Grafana dashboard asks only for metrics the services export
// (the meter names in their sources, as Prometheus spells them, and the gRPC server timer of Micrometer).
const exportedMetrics = (() => {
  const names = new Set(["grpc_server_processing_duration_seconds"]);
  const sources = execFileSync("grep", ["-rhoE", '"lmforge(\\.[a-z]+)+"', "--include=*.java",
    ...["common", ...modules].map((m) => join(root, m, "src/main"))],
    { encoding: "utf8" });
  for (const quoted of sources.split("\n").filter(Boolean)) names.add(quoted.slice(1, -1).replaceAll(".", "_"));
  return names;
})();

function monitoringChecks(overlay, objects, check) {
  const monitors = objects.filter((o) => o.kind === "ServiceMonitor");
  const dashboards = objects.filter((o) => o.kind === "ConfigMap" && o.metadata.labels?.grafana_dashboard);
  if (!monitors.length && !dashboards.length) return;
  const services = objects.filter((o) => o.kind === "Service");
  for (const d of objects.filter((o) => o.kind === "Deployment")) {
    const at = `${overlay}: Deployment ${d.metadata.name}`;
    const pod = d.spec.template.metadata.labels;
    const management = d.spec.template.spec.containers[0].ports?.find((p) => p.name === "management");
    if (!management) continue;
    const scraped = monitors.some((m) => m.spec.endpoints.some((e) => e.path === "/q/metrics" && services.some((svc) =>
      selects(m.spec.selector, svc.metadata.labels) && selects({ matchLabels: svc.spec.selector }, pod)
      && svc.spec.ports.some((p) => p.name === e.port && (p.targetPort === "management" || p.targetPort === management.containerPort)))));
    check(scraped, at, "no ServiceMonitor scrapes /q/metrics on its management port");
  }
  for (const cm of dashboards) {
    for (const [file, text] of Object.entries(cm.data ?? {})) {
      const at = `${overlay}: ConfigMap ${cm.metadata.name} ${file}`;
      let dashboard;
      try {
        dashboard = JSON.parse(text);
      } catch (e) {
        check(false, at, `is not JSON: ${e.message}`);
        continue;
      }
      const exprs = (dashboard.panels ?? []).flatMap((p) => (p.targets ?? []).map((t) => t.expr));
      check(exprs.length > 0 && exprs.every(Boolean), at, "every panel needs a query");
      for (const expr of exprs) {
        // Prometheus adds _total to counters, _seconds to timers and _count/_sum/_bucket/_max to series of distributions
        const base = (name) => name.replace(/_(total|count|sum|bucket|max)$/, "").replace(/_seconds$/, "");
        for (const metric of expr.match(/\b(lmforge|grpc)_[a-z_]+/g) ?? []) {
          check([...exportedMetrics].some((m) => base(m) === base(metric)), at, `${metric} is no metric the services export`);
        }
      }
    }
  }
}

// The checks above must notice a broken manifest: break copies in memory, expect a failure each.
function selfTest() {
  const find = (objects, kind, name) => objects.find((o) => o.kind === kind && o.metadata.name === name);
  const broken = [
    ["local", "default-deny selects nothing", /default-deny: does not select/,
      (o) => { find(o, "NetworkPolicy", "default-deny").spec.podSelector = { matchLabels: { "lmforge.dev/none": "true" } }; }],
    ["local", "no egress from the tuner to the trainer", /tuner → trainer/,
      (o) => o.splice(o.indexOf(find(o, "NetworkPolicy", "tuner-egress")), 1)],
    ["local", "an allow-all policy", /inference → trainer/,
      (o) => o.push({ kind: "NetworkPolicy", metadata: { name: "allow-all", namespace: "lmforge" }, spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [{}], egress: [{}] } })],
    ["local", "no egress from the console to inference", /console → inference/,
      (o) => o.splice(o.indexOf(find(o, "NetworkPolicy", "console-egress")), 1)],
    ["local", "the console let out to Kafka", /console → Kafka .*: is let through/,
      (o) => { find(o, "Deployment", "console").spec.template.metadata.labels["lmforge.dev/kafka-client"] = "true"; }],
    ["production+tls", "the console's clients trust no CA", /console-tls: container console must mount it/,
      (o) => { const c = find(o, "Deployment", "console").spec.template.spec.containers[0]; c.env = c.env.filter((e) => e.name !== "LMFORGE_TLS_CA"); }],
    ["production+monitoring", "the console unscraped", /Deployment console: no ServiceMonitor scrapes/,
      (o) => o.splice(o.indexOf(find(o, "ServiceMonitor", "console")), 1)],
    ["local", "S3 on another port", /→ S3/,
      (o) => { find(o, "NetworkPolicy", "s3-ingress").spec.ingress[0].ports[0].port = 9000; }],
    ["production+tls", "the tuner mounts the trainer's certificate", /trainer-tls: Secret trainer-tls must be mounted once/,
      (o) => { find(o, "Deployment", "tuner").spec.template.spec.volumes.find((v) => v.name === "tls").secret.secretName = "trainer-tls"; }],
    ["production+tls", "an issuerRef to no Issuer", /issuerRef Issuer nowhere/,
      (o) => { find(o, "Certificate", "inference-tls").spec.issuerRef.name = "nowhere"; }],
    ["production+tls", "a probe on the TLS port", /trainer container trainer: its probes must GET the management port/,
      (o) => { find(o, "Deployment", "trainer").spec.template.spec.containers[0].readinessProbe.httpGet.port = "http"; }],
    ["production+tls", "the tuner's clients trust no CA", /tuner-tls: container tuner must mount it/,
      (o) => { const c = find(o, "Deployment", "tuner").spec.template.spec.containers[0]; c.env = c.env.filter((e) => e.name !== "LMFORGE_TLS_CA"); }],
    ["local", "TLS left on without a certificate", /inference container inference: mounts no certificate/,
      (o) => { delete find(o, "ConfigMap", "lmforge-config").data.LMFORGE_TLS_ENABLED; }],
    ["local", "Prometheus let into the API port", /Prometheus in the namespace monitoring → tuner's API port/,
      (o) => { find(o, "NetworkPolicy", "clients-ingress").spec.ingress[1].ports.push({ port: 8080, protocol: "TCP" }); }],
    ["production+monitoring", "a ServiceMonitor on the API port", /Deployment trainer: no ServiceMonitor scrapes/,
      (o) => { find(o, "ServiceMonitor", "trainer").spec.endpoints[0].port = "http"; }],
    ["production+monitoring", "a dashboard asking for a metric nobody exports", /lmforge_no_such_metric is no metric/,
      (o) => {
        const cm = find(o, "ConfigMap", "lmforge-dashboard");
        cm.data["lmforge-dashboard.json"] = cm.data["lmforge-dashboard.json"].replace("lmforge_training_job_loss", "lmforge_no_such_metric");
      }],
  ];
  for (const [overlay, what, expected, breakIt] of broken) {
    const objects = structuredClone(overlays[overlay]);
    breakIt(objects);
    const found = [];
    const record = (ok, where, message) => (ok || found.push(`${where}: ${message}`), ok);
    networkChecks(overlay, objects, record);
    managementChecks(overlay, objects, record);
    tlsChecks(overlay, objects, record);
    monitoringChecks(overlay, objects, record);
    check(found.some((f) => expected.test(f)), "self-test", `the checks miss a broken manifest: ${what} (${overlay})`);
  }
}

for (const [overlay, objects] of Object.entries(overlays)) {
  for (const obj of objects) {
    const where = `${overlay}: ${obj.kind} ${obj.metadata?.name}`;
    await schemaCheck(where, obj);
    if (obj.kind === "Deployment") podChecks(where, obj.spec.template.spec);
    if (obj.kind === "ConfigMap" && !obj.metadata.labels?.grafana_dashboard) configChecks(where, obj);
  }
  networkChecks(overlay, objects, check);
  managementChecks(overlay, objects, check);
  tlsChecks(overlay, objects, check);
  monitoringChecks(overlay, objects, check);
}
topicChecks(overlays.local);
accessChecks(overlays.local);
selfTest();

if (failures.length) {
  console.error(`k8s validation: ${failures.length} problem(s) in ${checks} checks`);
  failures.forEach((f) => console.error("  - " + f));
  console.log(`0 passed, ${failures.length} failed`);
  process.exit(1);
}
console.log(`k8s validation: ${Object.keys(overlays).join(", ")} rendered`);
console.log(`${checks} passed, 0 failed`);
