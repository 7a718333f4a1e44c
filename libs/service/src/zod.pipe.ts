import type { PipeTransform } from '@nestjs/common';
import { describeIssues } from '@tripline/contracts';
import type { z } from 'zod';
import { HttpError } from './http-error';

/** Validates a request body, query or parameter against a contract; a 400 names every bad field. */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(
    private readonly schema: S,
    private readonly pathPrefix = '',
  ) {}

  transform(value: unknown): z.infer<S> {
    const parsed = this.schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const issues = describeIssues(parsed.error, this.pathPrefix);
    throw new HttpError('validation_failed', issues.map((i) => `${i.path}: ${i.message}`).join('; '), { issues });
  }
}
