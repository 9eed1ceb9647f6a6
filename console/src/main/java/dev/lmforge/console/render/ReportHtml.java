package dev.lmforge.console.render;

import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.Image;
import org.commonmark.node.Link;
import org.commonmark.node.Node;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.NodeRenderer;
import org.commonmark.renderer.html.HtmlNodeRendererContext;
import org.commonmark.renderer.html.HtmlRenderer;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * A study's Markdown report as HTML for the console: raw HTML is escaped except the report's own
 * anchors ({@code <a id="run-..."></a>}); pictures load from the console; the name of every job the
 * study ran becomes a link to that job's page.
 */
public final class ReportHtml {

    private static final Pattern ANCHOR = Pattern.compile("<a id=\"[A-Za-z0-9._-]+\">|</a>");
    private static final List<org.commonmark.Extension> EXTENSIONS = List.of(TablesExtension.create());
    private static final Parser PARSER = Parser.builder().extensions(EXTENSIONS).build();
    private static final HtmlRenderer RENDERER = HtmlRenderer.builder().extensions(EXTENSIONS).escapeHtml(true).sanitizeUrls(true)
            .nodeRendererFactory(AnchorsOnly::new).build();

    private ReportHtml() {
    }

    /**
     * @param pictureUrl where the console serves a picture the report names
     * @param jobLinks   the page of each resource the study ran, by its name
     */
    public static String render(String markdown, UnaryOperator<String> pictureUrl, Map<String, String> jobLinks) {
        Node document = PARSER.parse(markdown);
        document.accept(new AbstractVisitor() {
            @Override
            public void visit(Image image) {
                String destination = image.getDestination();
                if (!destination.contains(":") && !destination.startsWith("/")) {
                    image.setDestination(pictureUrl.apply(destination));
                }
                super.visit(image);
            }

            @Override
            public void visit(Text text) {
                String page = jobLinks.get(text.getLiteral().strip());
                if (page != null && !(text.getParent() instanceof Link)) {
                    Link link = new Link(page, null);
                    text.insertBefore(link);
                    link.appendChild(new Text(text.getLiteral()));
                    text.unlink();
                }
            }
        });
        return RENDERER.render(document);
    }

    /** Inline HTML is written as text, except the anchors the report's links point at. */
    private static final class AnchorsOnly implements NodeRenderer {
        private final HtmlNodeRendererContext context;

        AnchorsOnly(HtmlNodeRendererContext context) {
            this.context = context;
        }

        @Override
        public Set<Class<? extends Node>> getNodeTypes() {
            return Set.of(HtmlInline.class);
        }

        @Override
        public void render(Node node) {
            String html = ((HtmlInline) node).getLiteral();
            if (ANCHOR.matcher(html).matches()) {
                context.getWriter().raw(html);
            } else {
                context.getWriter().text(html);
            }
        }
    }
}
