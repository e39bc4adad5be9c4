package chatterbox.bench;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.http.HttpDsl.ws;

/**
 * Scenario 2, chat fan-out over the ChatterBox gateway, in the shape of {@link FanoutShape}. Members
 * are seeded users in their benchmark room; a line is INPUT, its echo the author's own
 * MESSAGE_CREATED (Gatling's {@code post} request: INPUT to echo); a delivery is a MESSAGE_CREATED
 * of someone else's line. Totals go to {@code <bench.out>/fanout-deliveries.properties}.
 */
public class FanoutSimulation extends Simulation implements FanoutShape.Wire {
  private static final Pattern AUTHOR = Pattern.compile("\"author\"\\s*:\\s*\"([^\"]+)\"");

  private final FanoutShape shape = new FanoutShape();
  private final List<Map<String, Object>> posterUsers = new CopyOnWriteArrayList<>();
  private final List<Map<String, Object>> listenerUsers = new CopyOnWriteArrayList<>();

  @Override
  public void before() {
    var seeded = Seeder.seed(shape.members("b" + Bench.RUN_ID + "_f", "fan-" + Bench.RUN_ID + "-"));
    for (var user : seeded) (FanoutShape.isPoster(user) ? posterUsers : listenerUsers).add(user);
  }

  @Override
  public void after() {
    shape.deliveries.write("fanout-deliveries.properties", shape);
  }

  @Override
  public ChainBuilder connect() {
    return Gateway.connectAndIdentify();
  }

  @Override
  public ChainBuilder post() {
    return exec(ws("#{phase}post").sendText(s -> "{\"op\":3,\"d\":{\"room\":\"" + s.getString("room")
            + "\",\"text\":\"" + FanoutShape.stamp(s) + " hello\",\"nonce\":\"" + s.getString("nonce") + "\"}}")
        .await(Bench.AWAIT).on(ws.checkTextMessage("#{phase}MESSAGE_CREATED echo")
            .matching(jsonPath("$.d.nonce").isEL("#{nonce}"))));
  }

  @Override
  public long deliveredSentAt(String frame, Session member) {
    if (!frame.contains("MESSAGE_CREATED")) return -1;
    var author = AUTHOR.matcher(frame);
    if (!author.find() || author.group(1).equals(member.getString("username"))) return -1;
    return DeliveryLatencies.sentAt(frame);
  }

  {
    setUp(shape.populations("fanout", this, Gateway.feeder(posterUsers), Gateway.feeder(listenerUsers)))
        .protocols(Gateway.protocol(100_000));
  }
}
