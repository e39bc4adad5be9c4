package chatterbox.gateway;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** What each typed line means; any run of whitespace separates a command's words. */
class ChatCommandTest {

  @Test
  void commandsTakeTheirWordsAcrossAnyWhitespace() {
    assertEquals(new ChatCommand.Send("bob", "5.25"), ChatCommand.parse("  /send \t bob \n 5.25 \n"));
    assertEquals(new ChatCommand.Join("market"), ChatCommand.parse("/JOIN\tMarket"));
    assertEquals(new ChatCommand.Leave(), ChatCommand.parse("/leave   "));
    assertEquals(new ChatCommand.Help(), ChatCommand.parse("/help"));
  }

  @Test
  void aCommandWithTheWrongNumberOfWordsSaysHowToUseIt() {
    assertEquals(new ChatCommand.Invalid("invalid_command", "usage: /send <username> <amount>"),
        ChatCommand.parse("/send bob"));
    assertEquals(new ChatCommand.Invalid("invalid_command", "usage: /join <room-id>"), ChatCommand.parse("/join a b"));
    assertEquals(new ChatCommand.Invalid("invalid_command", "usage: /leave"), ChatCommand.parse("/leave now"));
  }

  @Test
  void otherLinesAreMessagesOrUnknownCommands() {
    assertEquals(new ChatCommand.Message("hello  there"), ChatCommand.parse(" hello  there "));
    assertEquals(new ChatCommand.Unknown("/pay"), ChatCommand.parse("/pay bob 5"));
    assertInstanceOf(ChatCommand.Invalid.class, ChatCommand.parse(" \t "));
  }
}
