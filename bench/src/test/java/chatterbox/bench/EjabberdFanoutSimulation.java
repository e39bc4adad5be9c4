package chatterbox.bench;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.substring;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.ws;

/**
 * Scenario 3, the fan-out of {@link FanoutSimulation} (same {@link FanoutShape}, same parameters)
 * against ejabberd's multi-user chat, speaking XMPP over WebSocket (RFC 7395): {@code <open/>}, SASL
 * PLAIN (the bench's ejabberd logs anyone in anonymously), stream restart, resource bind, then
 * presence to {@code room@conference.localhost/nick} to join. A line is a groupchat message whose
 * body carries the send time; ejabberd reflects it to its author with the same id (the echo) and to
 * every other occupant (a delivery). Totals go to {@code <bench.out>/ejabberd-deliveries.properties}.
 */
public class EjabberdFanoutSimulation extends Simulation implements FanoutShape.Wire {
  /** ejabberd's WebSocket endpoint (bench/ejabberd/ejabberd.yml). */
  static final String WS_URL = System.getProperty("bench.ejabberd.wsUrl", "ws://127.0.0.1:19580/ws");
  private static final String MUC = "conference.localhost";
  private static final String OPEN = "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost' version='1.0'/>";
  /** The occupant a groupchat message comes from: {@code from='room@conference.localhost/nick'}. */
  private static final Pattern FROM_NICK = Pattern.compile("from='[^'/]+/([^']+)'");

  private final FanoutShape shape = new FanoutShape();
  private final List<Map<String, Object>> posterUsers = new ArrayList<>();
  private final List<Map<String, Object>> listenerUsers = new ArrayList<>();

  @Override
  public void after() {
    shape.deliveries.write("ejabberd-deliveries.properties", shape);
  }

  @Override
  public ChainBuilder connect() {
    return exec(ws("connect").connect(WS_URL).subprotocol("xmpp"))
        .exec(ws("open").sendText(OPEN)
            .await(Bench.AWAIT).on(ws.checkTextMessage("features: SASL").matching(substring("<mechanisms"))))
        .exec(ws("auth").sendText(s -> "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>"
                + plain(s.getString("username")) + "</auth>")
            .await(Bench.AWAIT).on(ws.checkTextMessage("success").matching(substring("<success"))))
        .exec(ws("restart").sendText(OPEN)
            .await(Bench.AWAIT).on(ws.checkTextMessage("features: bind").matching(substring("xmpp-bind"))))
        .exec(ws("bind").sendText("<iq xmlns='jabber:client' type='set' id='bind'>"
                + "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>bench</resource></bind></iq>")
            .await(Bench.AWAIT).on(ws.checkTextMessage("bound").matching(substring("id='bind'"))))
        .exec(ws("join").sendText("<presence xmlns='jabber:client' to='#{room}@" + MUC + "/#{username}'>"
                + "<x xmlns='http://jabber.org/protocol/muc'/></presence>")
            // Status 110: the presence of the joining occupant itself, sent once the join is done.
            .await(Bench.AWAIT).on(ws.checkTextMessage("joined").matching(substring("code='110'"))));
  }

  private static String plain(String username) {
    return Base64.getEncoder().encodeToString(("\0" + username + "\0bench").getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public ChainBuilder post() {
    return exec(ws("#{phase}post").sendText(s -> "<message xmlns='jabber:client' type='groupchat' to='" + s.getString("room")
            + "@" + MUC + "' id='" + s.getString("nonce") + "'><body>" + FanoutShape.stamp(s) + " hello</body></message>")
        .await(Bench.AWAIT).on(ws.checkTextMessage("#{phase}groupchat echo").matching(substring("id='#{nonce}'"))));
  }

  @Override
  public long deliveredSentAt(String frame, Session member) {
    if (!frame.startsWith("<message") || !frame.contains("<body>")) return -1;
    var nick = FROM_NICK.matcher(frame);
    if (!nick.find() || nick.group(1).equals(member.getString("username"))) return -1;
    return DeliveryLatencies.sentAt(frame);
  }

  {
    for (var member : shape.members("x" + Bench.RUN_ID + "_", "fan-" + Bench.RUN_ID + "-")) {
      (FanoutShape.isPoster(member) ? posterUsers : listenerUsers).add(member);
    }
    HttpProtocolBuilder protocol = http.wsUnmatchedInboundMessageBufferSize(100_000);
    setUp(shape.populations("ejabberd", this, posterUsers.iterator(), listenerUsers.iterator())).protocols(protocol);
  }
}
