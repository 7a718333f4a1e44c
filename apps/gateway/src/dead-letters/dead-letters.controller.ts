import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { topics, type TopicId } from '@tripline/contracts';
import { KafkaConnection } from '@tripline/kafka';
import { HttpError, ZodPipe } from '@tripline/service';
import { ZodResponse } from 'nestjs-zod';
import { TextDecoder } from 'node:util';
import type { z } from 'zod';
import { AdminTokenGuard } from '../admin/admin-token.guard';
import { DeadLetterReplay } from './dead-letter-replay';
import { DeadLetterStore, type StoredDeadLetter } from './dead-letter-store';
import {
  DeadLetterReplayedDto,
  DeadLettersPageDto,
  DeadLettersQuery,
  DeadLettersQueryDto,
  ReplayDeadLetter,
  ReplayDeadLetterDto,
  type DeadLetterReplayed,
  type DeadLetterView,
} from './dead-letter.dtos';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function asText(bytes: Buffer): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

/** The operators' dead letters: what every consumer refused, with its bytes, and its replay. */
@ApiTags('admin')
@ApiBearerAuth('adminToken')
@Controller('v1/admin/dead-letters')
@UseGuards(AdminTokenGuard)
export class DeadLettersController {
  constructor(
    private readonly store: DeadLetterStore,
    private readonly replays: DeadLetterReplay,
    private readonly kafka: KafkaConnection,
  ) {}

  @Get()
  @ZodResponse({ status: 200, description: 'Dead letters, newest first, with their reason, source and original bytes', type: DeadLettersPageDto })
  async list(@Query(new ZodPipe(DeadLettersQuery)) query: DeadLettersQueryDto): Promise<{ deadLetters: DeadLetterView[]; nextCursor: string | null }> {
    const page = await this.store.page({ sourceTopics: query.source ? this.topicNames(query.source) : undefined, reason: query.reason, tenantId: query.tenantId, limit: query.limit, cursor: query.cursor });
    return { deadLetters: page.items.map((letter) => this.view(letter)), nextCursor: page.nextCursor };
  }

  /** Republishes the original message to its source topic; a second replay needs {"force": true}. */
  @Post(':id/replay')
  @HttpCode(200)
  @ZodResponse({ status: 200, description: 'Republished: where it landed, and when', type: DeadLetterReplayedDto })
  replay(
    @Param('id', new ParseUUIDPipe({ exceptionFactory: () => new HttpError('not_found', 'no such dead letter') })) id: string,
    @Body(new ZodPipe(ReplayDeadLetter)) body: ReplayDeadLetterDto,
  ): Promise<z.infer<typeof DeadLetterReplayed>> {
    return this.replays.replay(id, body?.force ?? false);
  }

  /** A contract's name matches its topic in this deployment's namespace too. */
  private topicNames(source: string): string[] {
    const id = (Object.keys(topics) as TopicId[]).find((t) => topics[t].name === source);
    return id ? [...new Set([source, this.kafka.topicName(id)])] : [source];
  }

  private view(letter: StoredDeadLetter): DeadLetterView {
    return {
      id: letter.id,
      tenantId: letter.tenantId,
      reason: letter.reason,
      issues: letter.issues,
      source: { topic: letter.sourceTopic, partition: letter.sourcePartition, offset: letter.sourceOffset, consumerGroup: letter.consumerGroup },
      key: letter.key,
      payload: {
        base64: letter.payload ? letter.payload.toString('base64') : null,
        text: letter.payload ? asText(letter.payload) : null,
        bytes: letter.payloadBytes,
        truncated: letter.payloadTruncated,
      },
      headers: letter.headers,
      failedAt: letter.failedAt.toISOString(),
      receivedAt: letter.receivedAt.toISOString(),
      replayedAt: letter.replayedAt?.toISOString() ?? null,
      replayCount: letter.replayCount,
      replayable: this.replays.replayable(letter),
    };
  }
}
