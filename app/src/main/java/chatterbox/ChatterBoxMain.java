package chatterbox;

import chatterbox.platform.runtime.CommonPool;
import org.slf4j.LoggerFactory;

import java.util.Map;

/** {@code java -jar app.jar}: one app node, configured by chatterbox.conf and CHATTERBOX_* variables. */
public final class ChatterBoxMain {

  private ChatterBoxMain() {}

  public static void main(String[] args) {
    CommonPool.atLeastTwoThreads(); // first: see there why
    try {
      var app = ChatterBoxApp.start(ChatterBoxApp.config(Map.of()));
      app.system().getWhenTerminated().thenRun(() -> System.exit(0));
    } catch (RuntimeException e) {
      LoggerFactory.getLogger(ChatterBoxMain.class).error("{}", e.getMessage(), e);
      System.exit(1);
    }
  }
}
