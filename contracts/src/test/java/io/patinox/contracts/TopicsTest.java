package io.patinox.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patinox.contracts.topics.Topics;
import io.patinox.contracts.topics.Topics.TopicSpec;
import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void deadLetterTopicsFollowTheSourceName() {
        assertThat(Topics.dlq(Topics.TASKS)).isEqualTo("patinox.dlq.tasks");
        assertThat(Topics.dlq(Topics.VALIDATION_REQUESTS)).isEqualTo("patinox.dlq.validation.requests");
        assertThatThrownBy(() -> Topics.dlq("other")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyConsumedTopicHasADeadLetterTopicAndAggregatesAreCompacted() {
        var names = Topics.all().stream().map(TopicSpec::name).toList();
        for (String consumed : Topics.CONSUMED) {
            assertThat(names).contains(consumed, Topics.dlq(consumed));
        }
        assertThat(Topics.all()).filteredOn(TopicSpec::compacted).extracting(TopicSpec::name)
                .containsExactly(Topics.AGGREGATES, Topics.RUNS);
        assertThat(Topics.all()).filteredOn(t -> t.name().equals(Topics.RUNS)).singleElement()
                .satisfies(t -> assertThat(t.cleanupPolicy()).isEqualTo("compact,delete"));
        assertThat(names).doesNotHaveDuplicates();
    }
}
