# Multi-stage build: compile with Maven on a JDK, run the shaded jars on a JRE.
FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY pom.xml .
COPY chat-core/pom.xml chat-core/
COPY chat-http/pom.xml chat-http/
COPY chat-cli/pom.xml chat-cli/
RUN mvn -B -q -pl chat-core,chat-http,chat-cli -am dependency:go-offline -DskipTests || true
COPY . .
RUN mvn -B -q package -DskipTests -Dspotless.check.skip=true

FROM eclipse-temurin:21-jre
RUN useradd --system --uid 10001 chat && mkdir -m 700 /data && chown chat /data
# The embedded default (no CHAT_DB_URL) keeps its database and index here: /app belongs to root. Mount a volume on it
# (a new named volume takes this directory's owner and mode). Owner-only: it holds every token. No VOLUME line: it would give every api and worker container of
# the distributed form, which keep nothing here, an anonymous volume left behind on each recreate.
ENV CHAT_DATA_DIR=/data
WORKDIR /app
COPY --from=build /src/chat-http/target/chat-server.jar /app/chat-server.jar
COPY --from=build /src/chat-cli/target/chat-cli.jar /app/chat-cli.jar
USER chat
EXPOSE 8080
# 37.5 % of the container's memory for the heap (a 512 MB container gives -Xmx192m, what bench/run measures): the JVM's
# own native memory takes about 150 MB more, and the embedded Lucene index's mapped files count in RSS while read.
# With half (256 MB) the RSS peaked over 512 MB. The parallel collector is what the benchmarks measured; in a small
# container the JVM would pick the serial one. TrimNativeHeapInterval: the JVM hands native memory it freed back to
# the OS once a second (glibc keeps it otherwise: about 20 MB more at peak in paired benchmark runs).
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=37.5", "-XX:+UseParallelGC", "-XX:TrimNativeHeapInterval=1000", \
            "-jar", "/app/chat-server.jar"]
