package dev.lmforge.console.render;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportHtmlTest {

    private static String render(String markdown) {
        return ReportHtml.render(markdown, picture -> "/studies/s/files/" + picture, Map.of("s-lstm", "/training-jobs/s-lstm"));
    }

    @Test
    void theReportsAnchorsStayAndOtherHtmlIsEscaped() {
        String html = render("| <a id=\"run-lstm\"></a>lstm | <script>alert(1)</script> <img src=x onerror=alert(1)> |\n|---|---|\n");
        assertTrue(html.contains("<a id=\"run-lstm\"></a>"), html);
        assertFalse(html.contains("<script>"), html);
        assertFalse(html.contains("<img src=x"), html);
    }

    @Test
    void picturesCanBeInline() {
        String html = ReportHtml.render("![curve](q4.png)", picture -> "data:image/png;base64,iVBORw0KGgo=", Map.of());
        assertTrue(html.contains("src=\"data:image/png;base64,iVBORw0KGgo=\""), html);
    }

    @Test
    void picturesLoadFromTheConsoleAndJobNamesLinkToTheirPages() {
        String html = render("![curve](q4.png)\n\n| s-lstm | other |\n|---|---|\n| s-lstm | x |\n");
        assertTrue(html.contains("src=\"/studies/s/files/q4.png\""), html);
        assertTrue(html.contains("href=\"/training-jobs/s-lstm\">s-lstm</a>"), html);
    }

    @Test
    void linksWithScriptsAreNotKept() {
        assertFalse(render("[x](javascript:alert(1))").contains("javascript:"));
    }
}
