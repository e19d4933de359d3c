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

    public LoadBalance policy() {
        return policy;
    }

    /** {@code members} (a snapshot) rotated by one turn, and for least-connections sorted by load, stably. */
    public List<M> order(List<M> members) {
        int size = members.size();
        if (size == 0) {
            return List.of();
        }
        int start = Math.floorMod(turn.getAndIncrement(), size);
        List<M> rotated = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            rotated.add(members.get((start + i) % size));
        }
        if (policy == LoadBalance.LEAST_CONNECTIONS) {
            int[] loads = rotated.stream().mapToInt(load).toArray();
            List<Integer> positions = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                positions.add(i);
            }
            positions.sort(Comparator.comparingInt(i -> loads[i]));
            return positions.stream().map(rotated::get).toList();
        }
        return rotated;
    }
}
