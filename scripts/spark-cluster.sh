#!/usr/bin/env bash
# A Spark standalone cluster on this machine, from the jars the spark module builds (no Spark
# distribution needed): a master and N workers, each its own JVM, as on a real cluster.
#
#   scripts/spark-cluster.sh start [--workers N] [--cores C] [--memory M] [--port P]
#   scripts/spark-cluster.sh status
#   scripts/spark-cluster.sh stop
#
# Then: ./charrnn train CONFIG --set distributed.workers=N --set distributed.master=spark://127.0.0.1:P
# Logs, pids and the workers' executor directories are in spark/target/cluster/.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state="$here/spark/target/cluster"
home="$here/spark/target/spark-home"

usage() {
  sed -n '5,7p' "${BASH_SOURCE[0]}" | sed 's/^# //' >&2
  exit 2
}

workers=2 cores=1 memory=2g port=7077
command="${1:-}"
[[ -n "$command" ]] || usage
shift
while [[ $# -gt 0 ]]; do
  case "$1" in
    --workers) workers="${2:?--workers needs a number}"; shift 2 ;;
    --cores) cores="${2:?--cores needs a number}"; shift 2 ;;
    --memory) memory="${2:?--memory needs a size such as 2g}"; shift 2 ;;
    --port) port="${2:?--port needs a number}"; shift 2 ;;
    *) echo "spark-cluster: unknown option $1" >&2; usage ;;
  esac
done
for n in "$workers" "$cores" "$port"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "spark-cluster: '$n' is not a positive whole number (--workers, --cores, --port)" >&2; exit 2; }
done
[[ "$memory" =~ ^[1-9][0-9]*[kmgtKMGT]$ ]] || { echo "spark-cluster: --memory '$memory': expected a size such as 2g or 4096m" >&2; exit 2; }

# The JDK packages Spark reaches into on Java 17 (the list the launcher and spark/pom.xml use).
opens=()
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
         java.util.concurrent.atomic sun.nio.ch sun.nio.cs sun.security.action sun.util.calendar; do
  opens+=("--add-opens=java.base/$p=ALL-UNNAMED")
done

alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Spark's worker starts each executor from SPARK_HOME's jars/ (a directory with a RELEASE file is a
# distribution to it, and SPARK_SCALA_VERSION spares it looking for a source tree): a stand-in made of
# links to the jars Maven resolved for the spark module.
prepare_home() {
  if [[ ! -d "$here/spark/target/lib" ]]; then
    echo "spark-cluster: building the spark module (the first build downloads its dependencies) ..." >&2
    (cd "$here" && mvn -B -q -ntp -DskipTests -Pspark package) >&2
  fi
  rm -rf "$home"
  mkdir -p "$home/jars"
  touch "$home/RELEASE"
  ln -s "$here"/spark/target/lib/*.jar "$home/jars/"
}

start() {
  if alive "$state/master.pid"; then
    echo "spark-cluster: already running (scripts/spark-cluster.sh stop first)" >&2
    exit 1
  fi
  prepare_home
  mkdir -p "$state/work"
  export SPARK_HOME="$home" SPARK_SCALA_VERSION=2.12
  # Each worker's executors use that worker's cores, not the machine's.
  export OMP_NUM_THREADS="$cores" OPENBLAS_NUM_THREADS="$cores" OMP_WAIT_POLICY=PASSIVE
  java -Xmx512m "${opens[@]}" -cp "$home/jars/*" org.apache.spark.deploy.master.Master \
    --host 127.0.0.1 --port "$port" --webui-port $((port + 1003)) >"$state/master.log" 2>&1 &
  echo $! >"$state/master.pid"
  wait_for "master" "$state/master.log" "I have been elected leader"
  for ((i = 1; i <= workers; i++)); do
    java -Xmx512m "${opens[@]}" -cp "$home/jars/*" org.apache.spark.deploy.worker.Worker \
      --host 127.0.0.1 --cores "$cores" --memory "$memory" --webui-port $((port + 1003 + i)) --work-dir "$state/work" \
      "spark://127.0.0.1:$port" >"$state/worker$i.log" 2>&1 &
    echo $! >"$state/worker$i.pid"
  done
  for ((i = 1; i <= workers; i++)); do
    wait_for "worker $i" "$state/worker$i.log" "Successfully registered with master"
  done
  echo "master: spark://127.0.0.1:$port (web UI http://127.0.0.1:$((port + 1003))), $workers workers of $cores cores and $memory"
  echo "train:  ./charrnn train CONFIG --set distributed.workers=$((workers * cores)) --set distributed.master=spark://127.0.0.1:$port"
}

# Waits up to 60 s for a line in a log; on failure shows the log's end and stops what was started.
wait_for() {
  local what="$1" log="$2" line="$3"
  for _ in $(seq 1 120); do
    grep -q "$line" "$log" 2>/dev/null && return 0
    sleep 0.5
  done
  echo "spark-cluster: the $what did not start within 60 s; the end of $log:" >&2
  tail -n 20 "$log" >&2
  stop >/dev/null
  exit 1
}

stop() {
  local any=0
  for pid in "$state"/worker*.pid "$state"/master.pid; do
    [[ -f "$pid" ]] || continue
    if alive "$pid"; then kill "$(cat "$pid")" && any=1; fi
    rm -f "$pid"
  done
  # A worker's executors end with it; wait until the ports are free for the next start.
  sleep 1
  if [[ "$any" == 1 ]]; then echo "stopped"; else echo "not running"; fi
}

status() {
  local n=0
  if ! alive "$state/master.pid"; then echo "not running"; return 0; fi
  for pid in "$state"/worker*.pid; do alive "$pid" && n=$((n + 1)); done
  echo "master running (pid $(cat "$state/master.pid")), $n workers running; logs in $state"
}

case "$command" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "spark-cluster: unknown command '$command'" >&2; usage ;;
esac
