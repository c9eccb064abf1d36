// The browser end of a session: one WebSocket to /ws, JSON commands out, JSON and binary frames
// in. Commands get an id; `request` resolves with the frame that answers it.

import type { Command, Frame } from '../shared/protocol.ts';

type Handlers = {
  frame: (frame: Frame) => void;
  binary: (bytes: Uint8Array) => void;
  state: (open: boolean, reason: string) => void;
};

/** An answered command: its answer frame (ack, error, export, report, node, loaded). */
type Pending = { resolve: (frame: Frame) => void };

const REQUEST_TIMEOUT_MS = 30_000;

export class Connection {
  private socket: WebSocket | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly handlers: Handlers) {}

  open(): void {
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
    const socket = new WebSocket(url);
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => this.handlers.state(true, 'connected');
    socket.onclose = (event) => this.handlers.state(false, event.reason || `closed (${event.code})`);
    socket.onmessage = (event) => {
      if (typeof event.data === 'string') {
        const frame = JSON.parse(event.data) as Frame;
        const id = 'id' in frame ? frame.id : undefined;
        if (id !== undefined && this.pending.has(id)) {
          this.pending.get(id)!.resolve(frame);
          this.pending.delete(id);
        }
        this.handlers.frame(frame);
      } else {
        this.handlers.binary(new Uint8Array(event.data as ArrayBuffer));
      }
    };
    this.socket = socket;
  }

  /** Sends a command; fire and forget (its answer still reaches the frame handler). */
  send(command: Command): number {
    const id = this.nextId++;
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify({ ...command, id }));
    return id;
  }

  /** Sends a command and waits for the frame that answers it. */
  request(command: Command): Promise<Frame> {
    return new Promise((resolve, reject) => {
      const id = this.send(command);
      this.pending.set(id, { resolve });
      setTimeout(() => {
        if (this.pending.delete(id)) reject(new Error(`no answer to ${command.type} within ${REQUEST_TIMEOUT_MS} ms`));
      }, REQUEST_TIMEOUT_MS);
    });
  }
}
