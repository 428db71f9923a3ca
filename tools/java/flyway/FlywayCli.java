// A thin command line over the real Flyway engine (flyway-core + database plugins from Maven Central).
// Flyway's own command-line jar needs modules Central does not serve (flyway-core-utilities, verb-*), so
// this stands in for it with the same conventions: `flyway [-key=value ...] <command>`, configuration
// from FLYWAY_* environment variables (FLYWAY_URL, FLYWAY_USER, FLYWAY_PASSWORD, FLYWAY_LOCATIONS, ...)
// and `-key=value` arguments (e.g. -locations=filesystem:db/migration), exit code 1 on failure.
// A flyway.conf in the working directory (or -configFiles=a.conf,b.conf) is read first, then the
// environment, then the arguments, as Flyway's CLI does. `info -outputType=json` prints one JSON object
// with a "migrations" array.
import java.io.FileReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;

public final class FlywayCli {
  private static String json(Object v) {
    if (v == null) return "null";
    if (v instanceof Number || v instanceof Boolean) return v.toString();
    StringBuilder b = new StringBuilder("\"");
    for (char c : v.toString().toCharArray()) {
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.append('"').toString();
  }

  public static void main(String[] args) {
    Map<String, String> conf = new HashMap<>();
    List<String> commands = new ArrayList<>();
    boolean jsonOut = false;
    for (String a : args) {
      if (a.startsWith("-") && a.contains("=")) {
        String key = a.substring(1, a.indexOf('='));
        String value = a.substring(a.indexOf('=') + 1);
        if (key.equals("outputType")) jsonOut = value.equalsIgnoreCase("json");
        else conf.put("flyway." + key, value);
      } else if (a.equals("-v") || a.equals("version")) {
        System.out.println("Flyway " + org.flywaydb.core.internal.license.VersionPrinter.getVersion());
        return;
      } else {
        commands.add(a);
      }
    }
    if (commands.isEmpty()) {
      System.err.println("usage: flyway [-key=value ...] migrate|info|validate|baseline|repair");
      System.exit(2);
    }
    try {
      Properties files = new Properties();
      String configFiles = conf.getOrDefault("flyway.configFiles", Files.exists(Path.of("flyway.conf")) ? "flyway.conf" : "");
      conf.remove("flyway.configFiles");
      for (String f : configFiles.split(",")) {
        if (f.isBlank()) continue;
        try (Reader r = new FileReader(f.trim(), java.nio.charset.StandardCharsets.UTF_8)) {
          files.load(r);
        } catch (IOException e) {
          throw new IllegalArgumentException("cannot read config file " + f.trim() + ": " + e.getMessage());
        }
      }
      Flyway flyway = Flyway.configure().configuration(files).envVars().configuration(conf).load();
      for (String cmd : commands) {
        switch (cmd) {
          case "migrate" -> {
            MigrateResult r = flyway.migrate();
            System.out.println("Successfully applied " + r.migrationsExecuted + " migrations");
          }
          case "validate" -> {
            flyway.validate();
            System.out.println("Successfully validated");
          }
          case "baseline" -> flyway.baseline();
          case "repair" -> flyway.repair();
          case "info" -> printInfo(flyway.info().all(), jsonOut);
          default -> {
            System.err.println("ERROR: unknown command " + cmd);
            System.exit(2);
          }
        }
      }
    } catch (RuntimeException e) {
      System.err.println("ERROR: " + e.getMessage());
      System.exit(1);
    }
  }

  private static void printInfo(MigrationInfo[] all, boolean jsonOut) {
    if (!jsonOut) {
      System.out.println("Version | Description | Type | State | Checksum");
      for (MigrationInfo m : all) {
        System.out.println((m.getVersion() == null ? "" : m.getVersion().getVersion()) + " | " + m.getDescription()
            + " | " + m.getType() + " | " + m.getState().getDisplayName() + " | " + m.getChecksum());
      }
      return;
    }
    StringBuilder b = new StringBuilder("{\"migrations\":[");
    for (int i = 0; i < all.length; i++) {
      MigrationInfo m = all[i];
      if (i > 0) b.append(',');
      b.append("{\"version\":").append(json(m.getVersion() == null ? null : m.getVersion().getVersion()))
          .append(",\"description\":").append(json(m.getDescription()))
          .append(",\"type\":").append(json(m.getType() == null ? null : m.getType().name()))
          .append(",\"script\":").append(json(m.getScript()))
          .append(",\"state\":").append(json(m.getState().getDisplayName()))
          .append(",\"checksum\":").append(json(m.getChecksum()))
          .append(",\"installedRank\":").append(json(m.getInstalledRank()))
          .append('}');
    }
    System.out.println(b.append("]}"));
  }
}
