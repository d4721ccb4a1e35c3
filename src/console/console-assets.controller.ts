import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CONSOLE_CSS } from './layout';

/** GET /console/console.css: the console's style sheet (public: it holds nothing but layout), cached an hour. */
@ApiExcludeController()
@Controller('console')
export class ConsoleAssetsController {
  @Get('console.css')
  css(@Res() reply: FastifyReply) {
    return reply.header('Content-Type', 'text/css; charset=utf-8').header('Cache-Control', 'public, max-age=3600').send(CONSOLE_CSS);
  }
}
