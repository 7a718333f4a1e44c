import { Module } from '@nestjs/common';
import { ApiKeyStore, PrismaApiKeyStore } from './api-key-store';
import { ApiKeyVerifier } from './api-key-verifier';
import { ApiKeyGuard } from './api-key.guard';

@Module({ providers: [{ provide: ApiKeyStore, useClass: PrismaApiKeyStore }, ApiKeyVerifier, ApiKeyGuard], exports: [ApiKeyVerifier, ApiKeyGuard] })
export class TenancyModule {}
