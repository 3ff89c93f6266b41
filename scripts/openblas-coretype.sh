#!/usr/bin/env bash
# Prints the OpenBLAS core type to ask for on this CPU, or nothing. OpenBLAS 0.3.19 (the one ND4J
# 1.0.0-M2.1 ships) does not recognise CPUs newer than it and then runs its slowest generic kernels
# ("Barcelona"), a third of the speed of the kernels it has for the instructions the CPU offers: so
# ask for those by the CPU's features. A value already in OPENBLAS_CORETYPE is the user's and wins
# (the launcher only calls this when it is unset). Linux reads /proc/cpuinfo; elsewhere, nothing.
flags=" $(grep -m1 -E '^flags' /proc/cpuinfo 2>/dev/null | cut -d: -f2) "
has() { [[ "$flags" == *" $1 "* ]]; }
if has avx512f && has avx512bw && has avx512dq && has avx512vl && has avx512cd; then
  echo SkylakeX
elif has avx2 && has fma; then
  echo Haswell
fi
