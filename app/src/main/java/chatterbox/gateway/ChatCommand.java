package chatterbox.gateway;

import java.util.List;
import java.util.regex.Pattern;

/**
 * What a line typed in a room means: a message, or one of the slash commands. Parsing is pure and
 * total: every string is one of these.
 */
sealed interface ChatCommand {

  int MAX_MESSAGE = 2000;

  /** Between a command's words; compiled once, as String.split would compile it for every line. */
  Pattern WHITESPACE = Pattern.compile("\\s+");

  /** Usage and description of each command, for /help and for unknown commands. */
  List<List<String>> COMMANDS = List.of(
      List.of("/join <room-id>", "join a room (it is created if it does not exist)"),
      List.of("/leave", "leave the room you typed this in"),
      List.of("/send <username> <amount>", "send money to a member of this room; you confirm with your PIN"),
      List.of("/help", "list the commands"));

  record Message(String text) implements ChatCommand {}

  record Join(String room) implements ChatCommand {}

  record Leave() implements ChatCommand {}

  record Send(String recipient, String amount) implements ChatCommand {}

  record Help() implements ChatCommand {}

  /** A known command with wrong arguments, or an empty or over-long message. */
  record Invalid(String code, String message) implements ChatCommand {}

  record Unknown(String command) implements ChatCommand {}

  static ChatCommand parse(String raw) {
    var text = raw.strip();
    if (!text.startsWith("/")) {
      if (text.isEmpty()) return new Invalid("invalid_message", "a message cannot be empty");
      if (text.codePointCount(0, text.length()) > MAX_MESSAGE) {
        return new Invalid("invalid_message", "a message is at most " + MAX_MESSAGE + " characters");
      }
      return new Message(text);
    }
    var words = WHITESPACE.split(text);
    var name = words[0].toLowerCase();
    return switch (name) {
      case "/join" -> words.length == 2 ? new Join(words[1].toLowerCase())
          : new Invalid("invalid_command", "usage: /join <room-id>");
      case "/leave" -> words.length == 1 ? new Leave() : new Invalid("invalid_command", "usage: /leave");
      case "/send" -> words.length == 3 ? new Send(words[1], words[2])
          : new Invalid("invalid_command", "usage: /send <username> <amount>");
      case "/help" -> new Help();
      default -> new Unknown(words[0]);
    };
  }

  static String commandList() {
    return String.join(", ", COMMANDS.stream().map(c -> c.get(0)).toList());
  }
}
