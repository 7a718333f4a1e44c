import { Module } from '@nestjs/common';
import { ApiKeyVerifier } from './api-key-verifier';
import { ApiKeyGuard } from './api-key.guard';

@Module({ providers: [ApiKeyVerifier, ApiKeyGuard], exports: [ApiKeyVerifier, ApiKeyGuard] })
export class TenancyModule {}
