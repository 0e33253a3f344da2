/**
 * Neuromorphic board offload: the framed host-board protocol ({@link dev.myelin.drivers.board.BoardProtocol}),
 * the host's {@link dev.myelin.drivers.board.BoardLink} over TCP or a serial port, a constrained-chip
 * emulator bit-identical to the int8 engine ({@link dev.myelin.drivers.board.NeuromorphicChip},
 * {@link dev.myelin.drivers.board.BoardEmulatorServer}) and the {@code board:...} inference engine with
 * per-decision deadlines and CPU fallback ({@link dev.myelin.drivers.board.BoardEngine}).
 */
package dev.myelin.drivers.board;
