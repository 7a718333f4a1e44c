export * from './inbound-message';
export * from './kafka-connection';
export * from './kafka.module';
export * from './kafka.options';
export * from './topic-consumer';
export * from './topic-publisher';
export * from './request-reply';
export * from './handler-failure';
