package dev.jquant.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class SvgChartTest {

    @Test
    void isWellFormedSvgWithOnePanelPerConfiguration() throws Exception {
        String svg = SvgChart.toSvg(SampleResults.result("a&b<c>.jqm"));
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document doc = factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        Element root = doc.getDocumentElement();
        assertEquals("svg", root.getLocalName());
        assertEquals("http://www.w3.org/2000/svg", root.getNamespaceURI());

        NodeList groups = doc.getElementsByTagNameNS("*", "g");
        int panels = 0;
        for (int i = 0; i < groups.getLength(); i++) {
            Element g = (Element) groups.item(i);
            if (g.getAttribute("class").equals("configuration")) {
                panels++;
                NodeList rects = g.getElementsByTagNameNS("*", "rect");
                int bars = 0;
                for (int r = 0; r < rects.getLength(); r++) {
                    bars += ((Element) rects.item(r)).getAttribute("class").equals("bar") ? 1 : 0;
                }
                assertEquals(2, bars, "a bar per engine in " + g.getAttribute("data-batch"));
            }
        }
        assertEquals(2, panels);
        String text = root.getTextContent();
        assertTrue(text.contains("a&b<c>.jqm: median latency per run"), text);
        assertTrue(text.contains("batch 8, seq 16, 2 threads"), text);
        assertTrue(text.contains("1.50×") && text.contains("0.75×"), "ratios to the peer under the bars: " + text);
    }

    @Test
    void axisStepsAreRoundNumbers() {
        assertEquals(1, SvgChart.niceStep(0.8));
        assertEquals(2, SvgChart.niceStep(1.3));
        assertEquals(25, SvgChart.niceStep(21));
        assertEquals(50, SvgChart.niceStep(30));
        assertEquals(0.05, SvgChart.niceStep(0.041), 1e-12);
    }
}
