package dev.portway.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.portway.server.config.ServerConfig;
import dev.portway.server.config.ServerConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code deploy/compose.yaml} fits together without Docker: its server.yaml is one the server accepts and names the
 * PostgreSQL service, Prometheus scrapes the server's admin port, Grafana's provisioning finds Prometheus and the
 * dashboard where the file mounts them, and every file it mounts exists.
 */
class ComposeFileTest {
    private static final Path DEPLOY = Path.of("..", "deploy");
    private static final YAMLMapper YAML = new YAMLMapper();

    @TempDir
    Path dir;

    @Test
    void theServicesFindEachOther() throws Exception {
        JsonNode compose = YAML.readTree(DEPLOY.resolve("compose.yaml").toFile());
        JsonNode services = compose.get("services");
        assertThat(services.fieldNames()).toIterable()
                .containsExactlyInAnyOrder("server", "postgres", "prometheus", "grafana");
        assertThat(services.get("server").get("image").asText()).startsWith("portway/tunnel-server:");

        String serverYaml = compose.get("configs").get("server-yaml").get("content").asText()
                .replaceAll("\\$\\{PORTWAY_DB_PASSWORD:\\?[^}]*}", "a-password-from-env");
        ServerConfig server = ServerConfigLoader.load(Files.writeString(dir.resolve("server.yaml"), serverYaml));
        assertThat(server.database().connection().url()).startsWith("jdbc:postgresql://postgres:5432/");
        assertThat(server.admin().bind()).isEqualTo("0.0.0.0");

        JsonNode prometheus = YAML.readTree(compose.get("configs").get("prometheus-yml").get("content").asText());
        assertThat(prometheus.get("scrape_configs").get(0).get("static_configs").get(0).get("targets").get(0).asText())
                .isEqualTo("server:" + server.admin().port());

        JsonNode datasource = YAML.readTree(
                DEPLOY.resolve("grafana/provisioning/datasources/prometheus.yaml").toFile()).get("datasources").get(0);
        assertThat(datasource.get("url").asText()).isEqualTo("http://prometheus:9090");
        JsonNode provider = YAML.readTree(
                DEPLOY.resolve("grafana/provisioning/dashboards/portway.yaml").toFile()).get("providers").get(0);
        assertThat(volumes(services.get("grafana")))
                .contains("./grafana/portway.json:" + provider.get("options").get("path").asText() + "/portway.json:ro");
    }

    @Test
    void everyMountedFileIsShipped() throws Exception {
        JsonNode services = YAML.readTree(DEPLOY.resolve("compose.yaml").toFile()).get("services");
        List<String> mounted = new ArrayList<>();
        services.forEach(service -> volumes(service).stream().filter(v -> v.startsWith("./"))
                .forEach(v -> mounted.add(v.substring(0, v.indexOf(':')))));
        assertThat(mounted).hasSize(3).allSatisfy(path -> assertThat(DEPLOY.resolve(path)).exists());
    }

    private static List<String> volumes(JsonNode service) {
        List<String> volumes = new ArrayList<>();
        if (service.has("volumes")) {
            service.get("volumes").forEach(v -> volumes.add(v.asText()));
        }
        return volumes;
    }
}
