package chatterbox.testing;

import chatterbox.platform.persistence.Database;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Searches every cell of every table of a schema, and log files, for given strings. */
public final class PiiScan {

  private PiiScan() {}

  /** Each "table.column contains needle" found; also reports how many cells were read. */
  public static Findings scanDatabase(Database database, Collection<String> needles) {
    var found = new ArrayList<String>();
    long cells = 0;
    try (var connection = DriverManager.getConnection(database.connectionUrl(), database.user(), database.password())) {
      var tables = new ArrayList<String>();
      try (var rs = connection.getMetaData().getTables(null, database.schema(), "%", new String[] {"TABLE"})) {
        while (rs.next()) tables.add(rs.getString("TABLE_NAME"));
      }
      for (var table : tables) {
        try (var statement = connection.createStatement();
             var rows = statement.executeQuery("SELECT * FROM " + database.schema() + "." + table)) {
          var meta = rows.getMetaData();
          while (rows.next()) {
            for (int c = 1; c <= meta.getColumnCount(); c++) {
              var text = meta.getColumnType(c) == Types.BINARY || meta.getColumnType(c) == Types.VARBINARY
                  || meta.getColumnType(c) == Types.LONGVARBINARY
                  ? bytes(rows.getBytes(c))
                  : rows.getString(c);
              cells++;
              if (text == null) continue;
              for (var needle : needles) {
                if (text.contains(needle)) found.add(table + "." + meta.getColumnName(c) + " contains " + needle);
              }
            }
          }
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return new Findings(found, cells);
  }

  public static List<String> scanFile(Path file, Collection<String> needles) throws IOException {
    var text = Files.readString(file, StandardCharsets.UTF_8);
    return needles.stream().filter(text::contains).map(n -> file + " contains " + n).toList();
  }

  private static String bytes(byte[] value) {
    return value == null ? null : new String(value, StandardCharsets.UTF_8);
  }

  public record Findings(List<String> found, long cellsRead) {}
}
