package chatterbox.gateway;

import com.typesafe.config.Config;

import java.time.Duration;
import java.util.List;

/** The gateway's limits and timings ({@code chatterbox.gateway}). */
record GatewaySettings(
    Duration heartbeatInterval,
    Duration resumeWindow,
    int replayBuffer,
    int maxFrameChars,
    int rateLimitFrames,
    Duration rateLimitWindow,
    List<String> allowedOrigins,
    Duration pinConfirmationWindow,
    int userRateLimitLines,
    Duration userRateLimitWindow,
    int largeRoom,
    int presenceGroups) {

  static GatewaySettings fromConfig(Config gateway) {
    return new GatewaySettings(
        gateway.getDuration("heartbeat-interval"),
        gateway.getDuration("resume-window"),
        gateway.getInt("replay-buffer"),
        gateway.getInt("max-frame-chars"),
        gateway.getInt("rate-limit.frames"),
        gateway.getDuration("rate-limit.per"),
        gateway.getStringList("allowed-origins"),
        gateway.getDuration("pin-confirmation-window"),
        gateway.getInt("user-rate-limit.lines"),
        gateway.getDuration("user-rate-limit.per"),
        gateway.getInt("large-room"),
        gateway.getInt("presence-groups"));
  }

  /** A connection silent for longer than this is dead (1.5 heartbeat intervals, as Discord allows). */
  Duration heartbeatTimeout() {
    return heartbeatInterval.multipliedBy(3).dividedBy(2);
  }
}
