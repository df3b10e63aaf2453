package io.starling.stomp.sockjs;

/**
 * Where a session's frames go to the client: one open receiving request (xhr, xhr_streaming, eventsource, htmlfile,
 * jsonp) or the session's WebSocket. Called on the session's thread.
 */
interface Receiver {
    /** Writes one SockJS frame; false when the receiver is done after it (a poll, or a stream over its limit). */
    boolean write(String frame);

    /** False once its connection closed: it takes nothing more (what it would be given stays with the session). */
    boolean alive();

    /** Ends the response (or closes the WebSocket). */
    void finish();
}
