package dev.portway.server.cluster;

import dev.portway.admin.LiveServerView;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterLiveServerViewTest {
    /**
     * A wrapper that forgets a method of the view answers with the interface's default (none, or "ACME is off")
     * instead of the node's own answer; only the cluster-wide methods may be its own.
     */
    @Test
    void everyMethodOfTheViewIsAnsweredByTheClusterViewItself() throws Exception {
        for (Method method : LiveServerView.class.getMethods()) {
            if (Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            Method implemented = ClusterLiveServerView.class.getMethod(method.getName(), method.getParameterTypes());
            assertThat(implemented.getDeclaringClass()).as("%s%s", method.getName(),
                    Arrays.toString(method.getParameterTypes())).isEqualTo(ClusterLiveServerView.class);
        }
    }
}
