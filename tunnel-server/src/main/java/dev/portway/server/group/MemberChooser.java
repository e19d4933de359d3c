package dev.portway.server.group;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;

/**
 * Orders the members of a load-balancing group for one new public connection: the first is the policy's choice, the
 * rest are the fallbacks to try, in order, when the choice cannot take the connection. It knows nothing of the
 * transport, so a TCP port and an HTTP host shared by a group use the same chooser.
 *
 * <p>Threading: any thread; concurrent calls each get a consistent order (the turn is an atomic counter, and the
 * loads are read once per call).
 *
 * @param <M> a member
 */
public final class MemberChooser<M> {
    private final LoadBalance policy;
    private final ToIntFunction<M> load;
    private final AtomicInteger turn = new AtomicInteger();

    /** @param load a member's open streams, read by {@link LoadBalance#LEAST_CONNECTIONS} */
    public MemberChooser(LoadBalance policy, ToIntFunction<M> load) {
        this.policy = policy;
        this.load = load;
    }

    /**
     * Round-robin: {@code members} (a snapshot) rotated by one turn. Least-connections: sorted by load, the members
     * that share the lowest load taking that turn among themselves, so ties are spread evenly too.
     */
    public List<M> order(List<M> members) {
        int size = members.size();
        if (size == 0) {
            return List.of();
        }
        int turn = this.turn.getAndIncrement();
        if (policy == LoadBalance.ROUND_ROBIN) {
            return rotated(members, turn);
        }
        int[] loads = members.stream().mapToInt(load).toArray();
        List<Integer> byLoad = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            byLoad.add(i);
        }
        byLoad.sort(Comparator.comparingInt(i -> loads[i]));
        int least = 1;
        while (least < size && loads[byLoad.get(least)] == loads[byLoad.get(0)]) {
            least++;
        }
        List<M> ordered = new ArrayList<>(rotated(byLoad.subList(0, least), turn).stream().map(members::get).toList());
        byLoad.subList(least, size).forEach(i -> ordered.add(members.get(i)));
        return ordered;
    }

    private static <T> List<T> rotated(List<T> items, int turn) {
        int start = Math.floorMod(turn, items.size());
        List<T> rotated = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            rotated.add(items.get((start + i) % items.size()));
        }
        return rotated;
    }
}
