package org.resnet4j.model;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.util.Pair;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * PyTorch {@code state_dict} names for a network's parameters and layers ({@code layer1.0.conv1.weight},
 * {@code bn1.running_mean}, {@code fc.bias}), in PyTorch's order: the names weights import and
 * export under.
 */
public final class TorchNames {
    private TorchNames() {}

    /** Every parameter (trainable or not) by its PyTorch name. */
    public static Map<String, Parameter> parameters(Block net) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        visit(net, "", (name, block) -> {
            for (Pair<String, Parameter> p : block.getDirectParameters()) {
                out.put(name + (name.isEmpty() ? "" : ".") + torchParameterName(p.getKey()), p.getValue());
            }
        });
        return out;
    }

    /** Visits every block depth-first, parents before children, with its dotted PyTorch module name. */
    public static void visit(Block block, String name, BiConsumer<String, Block> visitor) {
        visitor.accept(name, block);
        int index = 0;
        for (Pair<String, Block> child : block.getChildren()) {
            // Sequential children are numbered from 0 as in nn.Sequential; named children lose DJL's "01" prefix.
            String childName = block instanceof SequentialBlock
                    ? Integer.toString(index)
                    : child.getKey().replaceFirst("^\\d+", "");
            visit(child.getValue(), name.isEmpty() ? childName : name + "." + childName, visitor);
            index++;
        }
    }

    private static String torchParameterName(String djlName) {
        switch (djlName) {
            case "gamma": return "weight";
            case "beta": return "bias";
            case "runningMean": return "running_mean";
            case "runningVar": return "running_var";
            default: return djlName;
        }
    }
}
