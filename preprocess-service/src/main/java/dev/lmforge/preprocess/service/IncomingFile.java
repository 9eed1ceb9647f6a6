package dev.lmforge.preprocess.service;

import dev.lmforge.api.v1.Channel;

import java.io.InputStream;

/** One input file: its name, the channel it feeds (CHANNEL_UNSPECIFIED: split by hash), its bytes. */
public record IncomingFile(String name, Channel channel, InputStream content) {
}
