import org.netbeans.lib.profiler.heap.Heap;
import org.netbeans.lib.profiler.heap.HeapFactory;
import org.netbeans.lib.profiler.heap.Instance;
import org.netbeans.lib.profiler.heap.JavaClass;

import java.io.File;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What a heap dump's connections hold, divided by their count: run by heap-breakdown.sh on the
 * connections scenario's dump (BENCH_CONNECTIONS_HEAP_DUMP=1). It prints
 * <ol>
 *   <li>the classes whose instances retain the most (retained size: what would be freed with them),
 *   <li>the actor cells by the actor they run (each actor's cell and what only it reaches),
 *   <li>for each class named after the count, one instance's retained objects by class (from the
 *       dominator tree, which the NetBeans heap library computes but keeps to itself).
 * </ol>
 * A figure per connection is the total over the node divided by the count: a class with a count
 * near 1 per connection (or 2, 3, ...) is most likely held by the connections.
 */
public class HeapBreakdown {

  @SuppressWarnings("unchecked") // the library's lists are raw
  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: HeapBreakdown <heap.hprof> <connections> [class,class,...]");
      System.exit(2);
    }
    Heap heap = HeapFactory.createHeap(new File(args[0]));
    int connections = Integer.parseInt(args[1]);
    // Before the retained sizes by class: computing those drops the tree.
    var dominators = new Dominators(heap);
    var summary = heap.getSummary();
    System.out.printf("%s: %,d live objects, %,d bytes; per connection of %,d: %,.0f bytes%n%n", args[0],
        summary.getTotalLiveInstances(), summary.getTotalLiveBytes(), connections,
        summary.getTotalLiveBytes() / (double) connections);

    List<JavaClass> classes = new ArrayList<>(heap.getAllClasses());
    classes.sort(Comparator.comparingLong(JavaClass::getRetainedSizeByClass).reversed());
    System.out.println("Classes by what all their instances retain (nested ones overlap: a cell retains its actor)");
    System.out.println("  B/connection  instances/connection  class");
    for (JavaClass c : classes.subList(0, Math.min(50, classes.size()))) {
      System.out.printf("  %12.0f  %20.2f  %s%n", c.getRetainedSizeByClass() / (double) connections,
          c.getInstancesCount() / (double) connections, c.getName());
    }

    System.out.println("\nActor cells by the actor they run");
    System.out.println("  cells/connection  B retained each  B/connection  actor");
    var cellClass = heap.getJavaClassByName("akka.actor.ActorCell");
    var cells = new ArrayList<Instance>();
    for (JavaClass c : withSubclasses(cellClass)) for (Object o : c.getInstances()) cells.add((Instance) o);
    printGroups(cells, HeapBreakdown::actorOf, connections);

    if (args.length > 2) {
      for (String name : args[2].split(",")) {
        JavaClass c = heap.getJavaClassByName(name);
        if (c == null || c.getInstancesCount() == 0) {
          System.out.println("\nno instance of " + name);
          continue;
        }
        Instance sample = (Instance) c.getInstances().get(c.getInstancesCount() / 2);
        System.out.printf("%nWhat one %s retains: %d B (itself %d B)%n", name, sample.getRetainedSize(), sample.getSize());
        dominators.retainedBy(sample).entrySet().stream()
            .sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1])).limit(20)
            .forEach(e -> System.out.printf("  %4d x %6d B  %s%n", e.getValue()[0], e.getValue()[1], e.getKey()));
      }
    }
  }

  private static List<JavaClass> withSubclasses(JavaClass c) {
    var all = new ArrayList<JavaClass>();
    all.add(c);
    for (Object sub : c.getSubClasses()) all.add((JavaClass) sub);
    return all;
  }

  private static void printGroups(List<Instance> instances, Function<Instance, String> key, int connections) {
    Map<String, long[]> groups = new TreeMap<>();
    for (Instance i : instances) {
      long[] countAndBytes = groups.computeIfAbsent(key.apply(i), k -> new long[2]);
      countAndBytes[0]++;
      countAndBytes[1] += i.getRetainedSize();
    }
    groups.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1])).limit(20)
        .forEach(e -> System.out.printf("  %16.2f  %15.0f  %12.0f  %s%n", e.getValue()[0] / (double) connections,
            e.getValue()[1] / (double) e.getValue()[0], e.getValue()[1] / (double) connections, e.getKey()));
  }

  /** The actor's class; for a typed actor, the class of its behaviour under Akka's interceptors. */
  private static String actorOf(Instance cell) {
    var actor = (Instance) cell.getValueOfField("_actor");
    if (actor == null) return "(no actor)";
    String name = actor.getJavaClass().getName();
    if (!name.endsWith(".ActorAdapter")) return name;
    var behavior = (Instance) actor.getValueOfField("akka$actor$typed$internal$adapter$ActorAdapter$$behavior");
    if (behavior == null) behavior = (Instance) actor.getValueOfField("behavior");
    for (int depth = 0; behavior != null && behavior.getJavaClass().getName().endsWith("InterceptorImpl") && depth < 8; depth++) {
      behavior = (Instance) behavior.getValueOfField("nestedBehavior");
    }
    return "typed: " + (behavior == null ? "?" : behavior.getJavaClass().getName().replaceAll("\\$\\$Lambda.*", " (lambda)"));
  }

  /** The library's dominator tree, reached by reflection: it has no public way to it. */
  private static final class Dominators {
    private final Heap heap;
    private final Object tree;
    private final Method idomOf;

    Dominators(Heap heap) throws ReflectiveOperationException {
      this.heap = heap;
      // The tree is computed with the first instance's retained size, and kept.
      ((Instance) heap.getAllInstancesIterator().next()).getRetainedSize();
      var field = heap.getClass().getDeclaredField("domTree");
      field.setAccessible(true);
      this.tree = field.get(heap);
      this.idomOf = tree.getClass().getDeclaredMethod("getIdomId", long.class);
      idomOf.setAccessible(true);
    }

    /** The objects {@code root} dominates, by class: count and bytes. */
    Map<String, long[]> retainedBy(Instance root) throws ReflectiveOperationException {
      var byClass = new HashMap<String, long[]>();
      for (Iterator<?> all = heap.getAllInstancesIterator(); all.hasNext(); ) {
        var instance = (Instance) all.next();
        long id = instance.getInstanceId();
        for (int depth = 0; depth < 64 && id != root.getInstanceId(); depth++) {
          Long parent = (Long) idomOf.invoke(tree, id);
          if (parent == null || parent == 0 || parent == id) break;
          id = parent;
          if (id == root.getInstanceId()) {
            long[] countAndBytes = byClass.computeIfAbsent(instance.getJavaClass().getName(), k -> new long[2]);
            countAndBytes[0]++;
            countAndBytes[1] += instance.getSize();
          }
        }
      }
      return byClass;
    }
  }
}
