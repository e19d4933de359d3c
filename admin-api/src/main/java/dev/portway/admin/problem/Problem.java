package dev.portway.admin.problem;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem details object. {@code field} is Portway's extension member: the request field a validation
 * or conflict error is about, in the request's own spelling ({@code name}, {@code remotePort}, {@code hours}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String field) {
}
