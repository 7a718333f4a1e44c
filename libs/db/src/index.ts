export * from './db.module';
export * from './newer-versions';
export * from './prisma.service';
export * from './timestamps';
export { Prisma } from './generated/client';
export type * from './generated/models';
export * from './retention';
