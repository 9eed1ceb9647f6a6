package dev.lmforge.preprocess.grpc;

import com.google.protobuf.ByteString;
import dev.lmforge.api.v1.Channel;
import dev.lmforge.api.v1.FileChunk;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.preprocess.service.IncomingFile;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UploadStreamTest {

    static FileChunk chunk(String name, String data) {
        return FileChunk.newBuilder().setFileName(name).setData(ByteString.copyFromUtf8(data)).build();
    }

    @Test
    void aClientThatGoesSilentMidwayReleasesTheReader() throws Exception {
        UploadStream upload = new UploadStream(n -> { }, 1 << 20, 1 << 20, Duration.ofMillis(300));
        upload.offer(chunk("a.txt", "first chunk\n"));
        IncomingFile file = upload.next();
        InputStream in = file.content();
        assertArrayEquals("first chunk\n".getBytes(StandardCharsets.UTF_8), in.readNBytes(12));
        long started = System.nanoTime();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, in::read);
        assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("lmforge.preprocess.upload-idle-timeout"), e.getStatus().getDescription());
        assertTrue(System.nanoTime() - started < 5_000_000_000L, "waited about the idle timeout");
    }

    @Test
    void anUploadOverTheLimitFailsAndTheClientIsNoLongerAskedForMore() throws Exception {
        AtomicInteger requested = new AtomicInteger();
        UploadStream upload = new UploadStream(requested::addAndGet, 1 << 20, 100, Duration.ofSeconds(5));
        upload.offer(chunk("a.txt", "x".repeat(60)));
        upload.offer(chunk("a.txt", "y".repeat(60)));
        upload.offer(chunk("a.txt", "z".repeat(60)));
        assertEquals(1, requested.get(), "asked for one more after the first chunk only");
        InputStream in = upload.next().content();
        var e = assertThrows(LmForgeException.class, in::readAllBytes);
        assertEquals(LmForgeException.Kind.RESOURCE_EXHAUSTED, e.kind());
        assertTrue(e.getMessage().contains("larger than 100 bytes") && e.getMessage().contains("lmforge.preprocess.max-corpus-bytes"),
                e.getMessage());
    }

    @Test
    void theSameFileInTwoChannelsIsTwoFiles() throws Exception {
        UploadStream upload = new UploadStream(n -> { }, 1 << 20, 1 << 20, Duration.ofSeconds(5));
        upload.offer(chunk("held-out.txt", "one\n").toBuilder().setChannel(Channel.CHANNEL_VALIDATION).build());
        upload.offer(chunk("held-out.txt", "two\n").toBuilder().setChannel(Channel.CHANNEL_VALIDATION).build());
        upload.offer(chunk("held-out.txt", "one\n").toBuilder().setChannel(Channel.CHANNEL_TEST).build());
        upload.finish();
        IncomingFile validation = upload.next();
        assertEquals(Channel.CHANNEL_VALIDATION, validation.channel());
        assertEquals("one\ntwo\n", new String(validation.content().readAllBytes(), StandardCharsets.UTF_8));
        IncomingFile test = upload.next();
        assertEquals(Channel.CHANNEL_TEST, test.channel());
        assertEquals("one\n", new String(test.content().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(null, upload.next());
    }

    @Test
    void chunksWithoutDataStillCountAgainstTheBuffer() {
        AtomicInteger requested = new AtomicInteger();
        UploadStream upload = new UploadStream(requested::addAndGet, 10_000, 1 << 20, Duration.ofSeconds(5));
        for (int i = 0; i < 5; i++) {
            upload.offer(chunk("n".repeat(4000), ""));
        }
        assertEquals(2, requested.get(), "the client is held back once the names fill the buffer");
    }
}
