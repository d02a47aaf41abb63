/**
 * The parts of node-media-server 4.4 (CommonJS, untyped) that the built-in media server uses.
 * Internals (Context, sessions, broadcasts) are pinned to 4.4.x: see builtin.ts.
 */
declare module 'node-media-server' {
  import type { EventEmitter } from 'node:events';
  import type { Server as NetServer, Socket } from 'node:net';
  import type { Server as HttpServer } from 'node:http';

  export interface NmsSession {
    id: string;
    ip: string;
    protocol: string;
    isPublisher: boolean;
    streamApp: string;
    streamName: string;
    streamPath: string;
    streamQuery: Record<string, unknown>;
    inBytes: number;
    socket?: Socket;
    req?: { socket: Socket };
    res?: unknown;
    rtmp?: NmsRtmp;
    close(): void;
  }
  export interface NmsRtmp {
    streamApp: string;
    streamName: string;
    streamHost: string;
    streamQuery: Record<string, unknown>;
    streamId: number;
    parserPacket: { header: { stream_id: number } };
    onPublish(msg: { streamName?: unknown }): void;
    respondPublish(): void;
    sendStatusMessage(sid: number, level: string, code: string, description: string): void;
    onConnectCallback(req: { app: string; name: string; host: string; query: Record<string, unknown> }): void;
    onPushCallback(): void;
    onPacketCallback(packet: unknown): void;
  }
  export interface NmsBroadcast {
    publisher: NmsSession | null;
    subscribers: Map<string, NmsSession>;
    getPublishStatus(): 'publishing' | 'reconnecting' | 'idle';
    _finishPublish(): void;
  }
  export default class NodeMediaServer {
    constructor(config: Record<string, unknown>);
    httpServer: { httpServer?: HttpServer; run(): void };
    rtmpServer: { tcpServer?: NetServer; run(): void };
    recordServer: { startRecord(path: string): { ok: boolean; error?: string }; isRecording(path: string): boolean };
    on(event: string, fn: (session: NmsSession) => void): void;
    run(): Promise<void>;
    stop(): Promise<void>;
  }
}

declare module 'node-media-server/src/core/context.js' {
  import type { EventEmitter } from 'node:events';
  import type { NmsBroadcast, NmsSession } from 'node-media-server';
  const Context: {
    sessions: Map<string, NmsSession>;
    broadcasts: Map<string, NmsBroadcast>;
    eventEmitter: EventEmitter;
  };
  export default Context;
}

declare module 'node-media-server/src/core/logger.js' {
  const logger: { level: string; log(message: string, level?: string): void };
  export default logger;
}
