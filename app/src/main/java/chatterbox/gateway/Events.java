package chatterbox.gateway;

import chatterbox.room.Room;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;

/** The payloads (d) of the dispatched events, field for field as docs/protocol.md names them. */
final class Events {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private Events() {}

  static ObjectNode object() {
    return JSON.objectNode();
  }

  /** The dispatch type and payload of a room timeline event. */
  static Map.Entry<String, ObjectNode> roomEvent(Room.Event event) {
    var d = object().put("room", event.room()).put("seq", event.seq()).put("at", event.at().toString());
    if (event instanceof Room.MessagePosted message) {
      d.put("author", message.author()).put("text", message.text()).put("nonce", message.nonce());
      return Map.entry("MESSAGE_CREATED", d);
    }
    if (event instanceof Room.MemberJoined joined) return Map.entry("MEMBER_JOINED", d.put("username", joined.username()));
    if (event instanceof Room.MemberLeft left) return Map.entry("MEMBER_LEFT", d.put("username", left.username()));
    var transfer = (Room.TransferNoticed) event;
    return Map.entry("TRANSFER_NOTICE", d.put("from", transfer.from()).put("to", transfer.to()));
  }

  /**
   * A room as READY and ROOM_JOINED describe it: a large one by its member count alone, a small one
   * with its members and who of them is online.
   */
  static ObjectNode room(Room.RoomInfo info, RoomView view, Map<String, Boolean> online) {
    var room = object().put("id", info.roomId()).put("last_seq", info.lastSeq())
        .put("member_count", info.members().size()).put("large", view.large());
    if (!view.large()) {
      var list = room.putArray("members");
      info.members().forEach(member -> // sorted already: the room keeps them so
          list.add(object().put("username", member).put("online", online.getOrDefault(member, false))));
    }
    return room;
  }

  static ObjectNode ready(String sessionId, String username, String balance, ArrayNode rooms) {
    var d = object().put("session_id", sessionId).put("balance", balance);
    d.set("user", object().put("username", username));
    d.set("rooms", rooms);
    return d;
  }

  static ArrayNode array() {
    return JSON.arrayNode();
  }

  static ObjectNode error(String code, String message, String nonce) {
    return object().put("code", code).put("message", message).put("nonce", nonce);
  }

  static ObjectNode transferFailed(String transferId, String reason, String message) {
    return object().put("transfer_id", transferId).put("reason", reason).put("message", message);
  }

  static ObjectNode help() {
    var commands = JSON.arrayNode();
    ChatCommand.COMMANDS.forEach(c -> commands.add(object().put("usage", c.get(0)).put("description", c.get(1))));
    var d = object();
    d.set("commands", commands);
    return d;
  }
}
