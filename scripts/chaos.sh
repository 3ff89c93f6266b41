#!/usr/bin/env bash
# Kill -9 chaos run: N SIGKILLs at random moments (default 50), resuming with --resume last after
# each; prints a report (kills, kills during a checkpoint write, resumes, iterations lost per kill,
# final-parameter equality with an uninterrupted run). The test suite runs the same test with 5.
set -euo pipefail
cd "$(dirname "$0")/.."
kills="${1:-50}"
mvn -B -ntp test -Dtest=ChaosKillTest -Dchaos.kills="$kills" -Dsurefire.failIfNoSpecifiedTests=false \
  | grep -E "chaos report|Tests run:|FAIL|BUILD"
