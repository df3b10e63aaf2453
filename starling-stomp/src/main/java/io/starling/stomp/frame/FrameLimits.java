package io.starling.stomp.frame;

/**
 * What one frame may hold.
 *
 * @param maxFrameBytes  command, headers and body together
 * @param maxHeaders     header lines
 * @param maxHeaderBytes one header line (the command line too)
 */
public record FrameLimits(int maxFrameBytes, int maxHeaders, int maxHeaderBytes) {
}
