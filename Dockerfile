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
RUN useradd --system --uid 10001 chat
WORKDIR /app
COPY --from=build /src/chat-http/target/chat-server.jar /app/chat-server.jar
COPY --from=build /src/chat-cli/target/chat-cli.jar /app/chat-cli.jar
USER chat
EXPOSE 8080
# Half the container's memory for the heap: the rest is metaspace, code cache, thread stacks and the page cache of
# the embedded Lucene index (a 512 MB container gives -Xmx256m; bench/run measured about 500 MB RSS at peak).
# TrimNativeHeapInterval: the JVM hands native memory it freed back to the OS once a second (glibc keeps it
# otherwise: about 20 MB more at peak in paired benchmark runs).
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=50", "-XX:TrimNativeHeapInterval=1000", "-jar", "/app/chat-server.jar"]
