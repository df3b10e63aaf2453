package io.starling.management;

/** A request the API refuses: its HTTP status, a stable code and a message for the caller. Never a 500. */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String code;

    public ApiException(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, "BAD_REQUEST", message);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, "NOT_FOUND", message);
    }

    static ApiException conflict(String message) {
        return new ApiException(409, "CONFLICT", message);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
