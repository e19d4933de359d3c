package dev.portway.monitor.events;

import java.time.Instant;

/** One entry of the {@link EventJournal}: ids increase by one from 1 with each server start. */
public record LiveEvent(long id, Instant time, EventPayload payload) {
}
