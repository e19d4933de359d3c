package dev.portway.server.group;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MemberChooserTest {
    @Test
    void roundRobinTakesTurnsAndListsTheOthersAsFallbacks() {
        MemberChooser<String> chooser = new MemberChooser<>(LoadBalance.ROUND_ROBIN, member -> 0);
        List<String> members = List.of("a", "b", "c");

        assertThat(chooser.order(members)).containsExactly("a", "b", "c");
        assertThat(chooser.order(members)).containsExactly("b", "c", "a");
        assertThat(chooser.order(members)).containsExactly("c", "a", "b");
        assertThat(chooser.order(members)).containsExactly("a", "b", "c");
    }

    @Test
    void roundRobinSpreadsEvenlyWhenMembersComeAndGo() {
        MemberChooser<String> chooser = new MemberChooser<>(LoadBalance.ROUND_ROBIN, member -> 0);
        assertThat(picks(chooser, List.of("a", "b", "c"), 300)).containsOnly(
                Map.entry("a", 100), Map.entry("b", 100), Map.entry("c", 100));
        // b leaves: the others share its turns; it comes back: three ways again.
        assertThat(picks(chooser, List.of("a", "c"), 100)).containsOnly(Map.entry("a", 50), Map.entry("c", 50));
        assertThat(picks(chooser, List.of("a", "b", "c"), 150)).containsOnly(
                Map.entry("a", 50), Map.entry("b", 50), Map.entry("c", 50));
        assertThat(chooser.order(List.of("a", "c"))).hasSize(2);
        assertThat(chooser.order(List.of())).isEmpty();
    }

    @Test
    void leastConnectionsPrefersTheLeastLoadedAndBreaksTiesInTurn() {
        Map<String, Integer> load = new HashMap<>(Map.of("a", 3, "b", 0, "c", 0));
        MemberChooser<String> chooser = new MemberChooser<>(LoadBalance.LEAST_CONNECTIONS, load::get);
        List<String> members = List.of("a", "b", "c");

        List<String> first = chooser.order(members);
        List<String> second = chooser.order(members);

        assertThat(first.get(0)).isIn("b", "c");
        assertThat(second.get(0)).isIn("b", "c").isNotEqualTo(first.get(0));
        assertThat(first.get(2)).isEqualTo("a");
        assertThat(chooser.order(members).get(0)).isEqualTo(first.get(0));
        assertThat(chooser.order(members).get(0)).isEqualTo(second.get(0));
        load.put("b", 5);
        assertThat(chooser.order(members)).containsExactly("c", "a", "b");
    }

    @Test
    void policiesAreNamedAsInClientYaml() {
        assertThat(LoadBalance.parse(null)).contains(LoadBalance.ROUND_ROBIN);
        assertThat(LoadBalance.parse("least-connections")).contains(LoadBalance.LEAST_CONNECTIONS);
        assertThat(LoadBalance.parse("random")).isEmpty();
    }

    private static Map<String, Integer> picks(MemberChooser<String> chooser, List<String> members, int count) {
        Map<String, Integer> chosen = new HashMap<>();
        for (int i = 0; i < count; i++) {
            chosen.merge(chooser.order(members).get(0), 1, Integer::sum);
        }
        return chosen;
    }
}
