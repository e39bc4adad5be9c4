#!/usr/bin/env bash
# What a heap dump's gateway connections hold, per connection (see HeapBreakdown.java):
#
#   bench/tools/heap-breakdown.sh <heap.hprof> <connections> [class,class,...]
#
# The dump comes from the connections scenario with BENCH_CONNECTIONS_HEAP_DUMP=1
# (connections-idle.hprof in its results directory); <connections> is the table's count after the
# idle wait. Needs 4-6 GB of heap for a dump of ~100 MB and takes about a minute. The NetBeans
# profiler's heap library (Apache 2.0) is fetched from Maven Central into ~/.m2 the first time;
# nothing of it goes into the product or the bench module.
set -euo pipefail
[[ $# -ge 2 ]] || { sed -n '2,9p' "$0"; exit 2; }
version=RELEASE190
jar="$HOME/.m2/repository/org/netbeans/modules/org-netbeans-lib-profiler/$version/org-netbeans-lib-profiler-$version.jar"
[[ -f $jar ]] || mvn -B -q dependency:get -Dartifact="org.netbeans.modules:org-netbeans-lib-profiler:$version" >&2
# The library caches its analysis beside the dump; a cached one lacks the dominator tree this reads.
rm -rf "$1.nbcache"
exec java -Xmx6g -cp "$jar" "$(dirname "$0")/HeapBreakdown.java" "$@"
