package dev.lmforge.preprocess.service;

import dev.lmforge.api.v1.Channel;

/** The three splits of a corpus; their names are the object names in S3 and the keys in statistics. */
public enum Split {
    TRAIN("train", Channel.CHANNEL_TRAIN),
    VALIDATION("validation", Channel.CHANNEL_VALIDATION),
    TEST("test", Channel.CHANNEL_TEST);

    private final String label;
    private final Channel channel;

    Split(String label, Channel channel) {
        this.label = label;
        this.channel = channel;
    }

    public String label() {
        return label;
    }

    static Split of(Channel channel) {
        for (Split s : values()) {
            if (s.channel == channel) {
                return s;
            }
        }
        throw new IllegalArgumentException("no split for " + channel);
    }
}
