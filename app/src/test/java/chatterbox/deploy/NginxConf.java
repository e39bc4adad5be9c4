package chatterbox.deploy;

import java.util.ArrayList;
import java.util.List;

/** A small parser of nginx.conf: directives with arguments, and blocks of them. Enough to check ours. */
record NginxConf(String name, List<String> args, List<NginxConf> children) {

  static NginxConf parse(String text) {
    var tokens = tokenize(text);
    var root = new NginxConf("", List.of(), new ArrayList<>());
    int end = parseBlock(tokens, 0, root);
    if (end != tokens.size()) throw new IllegalArgumentException("unbalanced '}' in nginx.conf");
    return root;
  }

  /** Direct children named {@code name}. */
  List<NginxConf> all(String name) {
    return children.stream().filter(c -> c.name.equals(name)).toList();
  }

  /** Every directive named {@code name} at any depth. */
  List<NginxConf> deep(String name) {
    var out = new ArrayList<NginxConf>();
    for (var c : children) {
      if (c.name.equals(name)) out.add(c);
      out.addAll(c.deep(name));
    }
    return out;
  }

  private static int parseBlock(List<String> tokens, int i, NginxConf block) {
    while (i < tokens.size()) {
      var t = tokens.get(i);
      if (t.equals("}")) return i;
      var args = new ArrayList<String>();
      int j = i + 1;
      while (j < tokens.size() && !tokens.get(j).equals(";") && !tokens.get(j).equals("{")) {
        if (tokens.get(j).equals("}")) throw new IllegalArgumentException("directive '" + t + "' not ended by ';'");
        args.add(tokens.get(j++));
      }
      if (j == tokens.size()) throw new IllegalArgumentException("directive '" + t + "' not ended by ';'");
      var child = new NginxConf(t, args, new ArrayList<>());
      block.children.add(child);
      if (tokens.get(j).equals("{")) {
        j = parseBlock(tokens, j + 1, child);
        if (j >= tokens.size()) throw new IllegalArgumentException("block '" + t + "' not closed");
      }
      i = j + 1;
    }
    return i;
  }

  private static List<String> tokenize(String text) {
    var tokens = new ArrayList<String>();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c)) { i++; continue; }
      if (c == '#') { while (i < text.length() && text.charAt(i) != '\n') i++; continue; }
      if (c == '{' || c == '}' || c == ';') { tokens.add(String.valueOf(c)); i++; continue; }
      if (c == '"' || c == '\'') {
        int close = text.indexOf(c, i + 1);
        if (close < 0) throw new IllegalArgumentException("unclosed quote in nginx.conf");
        tokens.add(text.substring(i + 1, close));
        i = close + 1;
        continue;
      }
      int start = i;
      while (i < text.length() && !Character.isWhitespace(text.charAt(i)) && "{};".indexOf(text.charAt(i)) < 0) i++;
      tokens.add(text.substring(start, i));
    }
    return tokens;
  }
}
