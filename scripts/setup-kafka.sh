#!/usr/bin/env bash
# Fetches Apache Kafka's broker (org.apache.kafka:kafka_2.13 and its runtime dependencies) from
# Maven with a throwaway pom into a cache outside the repository (default
# ~/.cache/skewless/kafka-<version>/lib), for the streaming tests, which start a single-node KRaft
# broker from these jars on loopback. Prints the lib folder. Re-running returns at once when the
# stamp says the jars are there.
set -euo pipefail
version="${KAFKA_VERSION:-4.1.1}"
cache="${SKEWLESS_KAFKA_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/skewless/kafka-$version}"
lib="$cache/lib"
stamp="$cache/.stamp"
layout="$version broker-only"   # what the stamp records: a change of the pom below refetches
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$layout" ]; then echo "$lib"; exit 0; fi
command -v java >/dev/null || { echo "setup-kafka: the Kafka broker needs Java 17+ on PATH" >&2; exit 1; }
command -v mvn >/dev/null || { echo "setup-kafka: fetching the Kafka jars needs Maven on PATH" >&2; exit 1; }
mkdir -p "$cache"
exec 9>"$cache.lock"
flock 9
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$layout" ]; then echo "$lib"; exit 0; fi
work="$cache/pom"
rm -rf "$work" "$lib"; mkdir -p "$work"
# kafka_2.13 holds the broker (kafka.Kafka) and the storage tool that formats the KRaft log folder
# (kafka.tools.StorageTool); slf4j-simple prints the broker's log to stderr.
cat > "$work/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>skewless.local</groupId>
  <artifactId>kafka-broker</artifactId>
  <version>1</version>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$version</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-simple</artifactId><version>1.7.36</version></dependency>
  </dependencies>
</project>
POM
echo "setup-kafka: fetching Apache Kafka $version jars (once)" >&2
(cd "$work" && mvn -q -B dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$lib" >&2)
ls "$lib"/kafka_2.13-"$version".jar >/dev/null
echo "$layout" > "$stamp"
echo "$lib"
